import { Awareness } from "y-protocols/awareness";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

/**
 * Reads a room's document once: connects, waits for the first sync, disconnects. No presence
 * is announced (the local awareness state is cleared before connecting), so others do not see
 * a visitor come and go. Rejects when the room does not sync within `timeoutMs` (it does not
 * exist, or the server refused). The caller destroys the document.
 */
export function readRoom(url: string, room: string, timeoutMs = 8000): Promise<Y.Doc> {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  awareness.setLocalState(null);
  const provider = new WebsocketProvider(url, room, doc, { awareness, disableBc: true, connect: false });
  return new Promise<Y.Doc>((resolve, reject) => {
    const finish = (error: Error | null) => {
      clearTimeout(timer);
      provider.destroy();
      awareness.destroy();
      if (error) {
        doc.destroy();
        reject(error);
      } else {
        resolve(doc);
      }
    };
    const timer = setTimeout(() => finish(new Error("The section's live text could not be read in time.")), timeoutMs);
    provider.on("sync", (synced: boolean) => {
      if (synced) finish(null);
    });
    provider.connect();
  });
}
