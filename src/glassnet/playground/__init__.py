"""The playground: a local web app where a network trains in the browser's view.

``glassnet playground`` serves it (``server``); each browser tab gets a ``Session``
(``session``) that trains a glassnet ``Network`` and streams what it does to the page;
``protocol`` checks every message and link value the page sends. The page itself is the
static HTML, JavaScript and CSS in ``static/``. Needs the ``playground`` extra
(Starlette and uvicorn).
"""
