"""csvfiles.read on real files written here: text labels, headers, delimiters, culprits."""

import warnings

import numpy as np
import pytest

from glassnet import csvfiles
from glassnet.errors import DataError

IRIS = "sepal_length,sepal_width,petal_length,species\n5.1,3.5,1.4,setosa\n7.0,3.2,4.7,versicolor\n6.3,3.3,6.0,virginica\n"


def write(tmp_path, content, name="d.csv"):
    path = tmp_path / name
    (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    return path


def test_text_labels_and_header(tmp_path):
    X, y = csvfiles.read(write(tmp_path, IRIS))
    assert np.array_equal(X, [[5.1, 7.0, 6.3], [3.5, 3.2, 3.3], [1.4, 4.7, 6.0]])
    assert y.tolist() == ["setosa", "versicolor", "virginica"]


@pytest.mark.parametrize("content", [
    IRIS.replace(",", ";"),
    ("\ufeff" + IRIS).encode("utf-8"),
    IRIS.replace("\n", "\r\n").encode("utf-8"),
    IRIS.replace("setosa", '"setosa"').replace("virginica", '"virginica"'),
])
def test_semicolons_bom_crlf_and_quotes_read_the_same(tmp_path, content):
    delimiter = ";" if isinstance(content, str) and ";" in content else ","
    X, y = csvfiles.read(write(tmp_path, content), delimiter=delimiter)
    assert np.array_equal(X[0], [5.1, 7.0, 6.3]) and y.tolist() == ["setosa", "versicolor", "virginica"]


def test_a_missing_value_names_line_and_column_or_is_dropped(tmp_path):
    lines = ["a,b,c,label"] + [f"{i},{i},{i},x" for i in range(1, 9)]
    lines[6] = "6,6,,x"  # line 7, column 3
    path = write(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(DataError, match="line 7, column 3 is empty"):
        csvfiles.read(path)
    X, y = csvfiles.read(path, drop_missing=True)
    assert X[0].tolist() == [1, 2, 3, 4, 5, 7, 8] and y.shape == (7,)


def test_only_a_header_holds_no_examples(tmp_path):
    with pytest.raises(DataError, match="holds no examples"):
        csvfiles.read(write(tmp_path, "a,b,label\n"))


def test_glassnet_train_reads_text_labels_and_saves_them_as_classes(tmp_path, capsys):
    from glassnet.cli import main
    from glassnet.cli.options import read_model

    rows = [f"{i % 3 + 0.1 * j},{i % 3},{['setosa', 'versicolor', 'virginica'][i % 3]}"
            for i, j in zip(range(30), range(30))]
    path = write(tmp_path, "a;b;species\n" + "\n".join(r.replace(",", ";") for r in rows) + "\n")
    model = tmp_path / "m.npz"
    assert main(["train", str(path), "--delimiter", ";", "--epochs", "2", "--save", str(model)]) == 0
    assert "(classification)" in capsys.readouterr().out
    assert read_model(model)[1]["classes"] == ["setosa", "versicolor", "virginica"]


def test_console_script_trains_on_iris_csv_and_predicts_text_labels(tmp_path):
    import shutil
    import subprocess

    script = shutil.which("glassnet")
    assert script, "the glassnet console script is not installed"
    names = ["setosa", "versicolor", "virginica"]
    rows = [f"{i % 3}.{i % 7},{2 * (i % 3)}.5,{names[i % 3]}" for i in range(30)]
    path = write(tmp_path, "x1,x2,species\n" + "\n".join(rows) + "\n", "iris.csv")
    model = tmp_path / "m.npz"
    env = {**__import__("os").environ, "PYTHONPATH": "src"}
    done = subprocess.run([script, "train", str(path), "--epochs", "3", "--save", str(model)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([script, "predict", str(model), str(path)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    predicted = done.stdout.split()
    assert len(predicted) == 30 and set(predicted) <= set(names)


@pytest.mark.parametrize("line, count", [("3,4,5,1", 4), ("3,4", 2), ("3", 1), ("3,4,,,", 5)])
@pytest.mark.parametrize("labels", ["0 1", "setosa virginica"])
def test_a_ragged_line_names_its_line_and_both_column_counts(tmp_path, line, count, labels):
    # a longer line was read as its first columns before, with the wrong label
    first, second = labels.split()
    path = write(tmp_path, f"a,b,label\n1,2,{first}\n{line}\n5,6,{second}\n")
    message = rf"line 3: {count} columns, but the lines before have 3 \(a ragged file\)"
    with pytest.raises(DataError, match=message):
        csvfiles.read(path)
    with pytest.raises(DataError, match=message):  # dropping is for missing values only
        csvfiles.read(path, drop_missing=True)


def test_lines_all_longer_than_the_header_are_a_ragged_file(tmp_path):
    # pandas read them as their first columns (the header's count), with only a warning
    path = write(tmp_path, "x1,label\n1,5,-1\n2,6,7\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DataError, match=r"line 2: 3 columns, but the lines before have 2"):
            csvfiles.read(path)


def test_an_empty_or_non_finite_label_names_its_line(tmp_path):
    with pytest.raises(DataError, match="line 3, column 3: the label is empty"):
        csvfiles.read(write(tmp_path, "a,b,label\n1,2,x\n3,4,\n"))
    with pytest.raises(DataError, match="line 2, column 3 holds 'nan'"):
        csvfiles.read(write(tmp_path, "1,2,0\n3,4,nan\n"))
    X, y = csvfiles.read(write(tmp_path, 'a,b,label\n1,2,"3"\n3,4, 5\n'))  # quoted, spaced
    assert y.dtype == np.float64 and y.tolist() == [3.0, 5.0]
