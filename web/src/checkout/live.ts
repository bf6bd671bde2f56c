import type { LiveStatus } from "./types.ts";

const FINAL = new Set(["complete", "expired", "invalid", "refunded"]);

/**
 * Follows an invoice's status: the websocket first; when it cannot connect or drops before a final status,
 * Server-Sent Events (which the browser reconnects by itself). Returns a function that stops following.
 */
export function followInvoice(id: string, onStatus: (status: LiveStatus) => void): () => void {
  let stopped = false;
  let finished = false;
  let source: EventSource | null = null;
  const path = `/ws/invoices/${encodeURIComponent(id)}`;
  const wsUrl = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${path}`;

  const receive = (text: string) => {
    try {
      const message = JSON.parse(text) as LiveStatus;
      if (FINAL.has(message.status)) finished = true;
      onStatus(message);
    } catch {
      // Not a status message: ignore.
    }
  };

  const fallBackToEvents = () => {
    if (stopped || finished || source) return;
    source = new EventSource(`/invoices/${encodeURIComponent(id)}/events`);
    source.onmessage = (event) => {
      receive(event.data);
      if (finished) source?.close();
    };
  };

  let socket: WebSocket | null = null;
  try {
    socket = new WebSocket(wsUrl);
    socket.onmessage = (event) => receive(String(event.data));
    socket.onerror = () => fallBackToEvents();
    socket.onclose = () => fallBackToEvents();
  } catch {
    fallBackToEvents();
  }

  return () => {
    stopped = true;
    socket?.close();
    source?.close();
  };
}
