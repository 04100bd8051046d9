/* The connection: one WebSocket to the server. JSON messages go to `onMessage`, binary
 * frames are decoded (uint32 header length, the JSON header, then the maps' bytes
 * compressed with zlib: see the server's playground/wire.py) and go to `onFrame` as
 * {header, bytes}. Decompressing takes a moment, so every message waits for the ones
 * before it: the page sees them in the order the server sent them. */

async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function decodeFrame(buffer) {
  const n = new DataView(buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, n)));
  return {header, bytes: await inflate(new Uint8Array(buffer, 4 + n))};
}

export class Connection {
  constructor({onOpen, onMessage, onFrame, onClose}) {
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") +
      location.host + "/ws");
    ws.binaryType = "arraybuffer";
    this.queue = Promise.resolve();
    const inTurn = (handle) => {   // after the messages before; an error is reported
      this.queue = this.queue.then(handle).catch((error) => setTimeout(() => { throw error; }));
    };
    ws.onopen = () => inTurn(() => onOpen(this));
    ws.onmessage = (event) => inTurn(async () => {
      if (typeof event.data === "string") onMessage(JSON.parse(event.data));
      else onFrame(await decodeFrame(event.data));
    });
    ws.onclose = (event) => inTurn(() => onClose(event));
    this.ws = ws;
  }

  send(message) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }
}
