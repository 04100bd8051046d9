/* The connection: one WebSocket to the server. JSON messages go to `onMessage`, binary
 * frames are decoded (uint32 header length, the JSON header, padding to 4 bytes, one uint8
 * map of grid × grid per neuron, layer by layer) and go to `onFrame`. */

export function decodeFrame(buffer) {
  const n = new DataView(buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, n)));
  const maps = new Uint8Array(buffer, 4 + n + ((4 - (n % 4)) % 4));
  return {header, maps};
}

export class Connection {
  constructor({onOpen, onMessage, onFrame, onClose}) {
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") +
      location.host + "/ws");
    ws.binaryType = "arraybuffer";
    ws.onopen = () => onOpen(this);
    ws.onmessage = (event) => {
      if (typeof event.data === "string") onMessage(JSON.parse(event.data));
      else onFrame(decodeFrame(event.data));
    };
    ws.onclose = (event) => onClose(event);
    this.ws = ws;
  }

  send(message) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }
}
