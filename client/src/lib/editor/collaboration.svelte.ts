import { BODY_FIELD, docToContent, type PMJSON } from "@codewright/shared";
import { Awareness } from "y-protocols/awareness";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { MODE_FIELD, presentUsers, type PresenceMode, type PresentUser } from "./presence";
import { describeConnection, judgeClose, type LinkState, type Refusal, type StatusLine } from "./status";

/** The sync endpoint of the page's own server: `wss://host/sync` (or `ws:` over plain HTTP). */
export function syncUrl(origin: string): string {
  return `${origin.replace(/^http/, "ws")}/sync`;
}

export interface CollaborationOptions {
  /** The sync endpoint, from `syncUrl`. */
  url: string;
  /** The section's room, from the outline. */
  room: string;
  /** True for a view that only reads: it never changes the document and says so in presence. */
  readOnly: boolean;
  /** The window whose online and offline events mark the connection; none in tests. */
  window?: Pick<Window, "addEventListener" | "removeEventListener">;
  /** Replaceable for tests (Node has no global WebSocket before v22). */
  WebSocket?: typeof WebSocket;
}

/**
 * One view's live connection to a section's room: the Yjs document, its awareness and the
 * y-websocket provider, and what they mean for people (status, unsaved changes, who is here).
 * Whoever creates it destroys it. Signed-in browsers authenticate with the session cookie.
 */
export class Collaboration {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  readonly provider: WebsocketProvider;
  /** The section body, as y-prosemirror binds it. */
  readonly body: Y.XmlFragment;
  readonly readOnly: boolean;

  link: LinkState = $state("connecting");
  /** True once the document has synced with the room at least once. */
  loaded = $state(false);
  /**
   * Local changes made while the link was not live, which the server may not have. On a live link
   * a change goes out at once and the server stores it before anyone sees it; if storing fails
   * the server closes the connection ("saving paused"). Yjs sends whatever the server lacks when
   * it reconnects, so the count goes back to zero on the next sync.
   */
  unsaved = $state(0);
  /** Why the server refused this connection for good; null while it may still connect. */
  refusal: Refusal | null = $state(null);
  /** Everyone else here, as the server identified them. */
  people: PresentUser[] = $state.raw([]);
  /** Bumped on every change to the document, for views that render it themselves. */
  revision = $state(0);

  /** The connection's state in words. */
  get status(): StatusLine {
    return describeConnection({ link: this.link, readOnly: this.readOnly, unsaved: this.unsaved, refusal: this.refusal });
  }

  /** Whether local edits may be made now: loaded once (offline is fine), and not refused. */
  get writable(): boolean {
    return !this.readOnly && this.loaded && this.link !== "stopped";
  }

  readonly #window: CollaborationOptions["window"];
  // A dead socket can take long to notice; the browser knows at once. Reconnecting starts over
  // when the network is back, so the sync that follows sends what was written meanwhile.
  readonly #onOffline = () => this.provider.disconnect();
  readonly #onOnline = () => {
    if (this.link !== "stopped") this.provider.connect();
  };

  constructor(options: CollaborationOptions) {
    this.readOnly = options.readOnly;
    this.doc = new Y.Doc();
    this.body = this.doc.getXmlFragment(BODY_FIELD);
    this.awareness = new Awareness(this.doc);
    const mode: PresenceMode = options.readOnly ? "reading" : "editing";
    this.awareness.setLocalStateField(MODE_FIELD, mode);
    this.provider = new WebsocketProvider(options.url, options.room, this.doc, {
      awareness: this.awareness,
      // Every change goes through the server, which checks rights; no tab-to-tab shortcut.
      disableBc: true,
      shouldReconnect: (event) => judgeClose(event.code, event.reason).kind !== "stop",
      ...(options.WebSocket ? { WebSocketPolyfill: options.WebSocket } : {}),
    });

    this.provider.on("status", ({ status }) => {
      if (status === "connecting" && this.link !== "paused" && this.link !== "stopped") this.link = this.loaded ? "offline" : "connecting";
      if (status === "disconnected" && this.link === "live") this.link = "offline";
    });
    this.provider.on("sync", (synced) => {
      if (!synced) return;
      this.link = "live";
      this.loaded = true;
      this.unsaved = 0;
    });
    this.provider.on("connection-close", (event) => {
      // Null when this client closed the socket itself (leaving, or no sign of life for long).
      if (!event) return;
      const verdict = judgeClose(event.code, event.reason);
      if (verdict.kind === "stop") {
        this.refusal = verdict.refusal;
        this.link = "stopped";
      } else if (verdict.kind === "paused") {
        this.link = "paused";
      } else if (this.link === "live") {
        this.link = "offline";
      }
    });
    this.doc.on("update", (_update: Uint8Array, origin: unknown) => {
      this.revision++;
      if (origin !== this.provider && this.link !== "live") this.unsaved++;
    });
    this.awareness.on("change", () => {
      this.people = presentUsers(this.awareness.getStates(), this.doc.clientID);
    });

    this.#window = options.window;
    this.#window?.addEventListener("offline", this.#onOffline);
    this.#window?.addEventListener("online", this.#onOnline);
  }

  /** The section body as ProseMirror JSON, read without changing the document and repaired as the server reads it (`docToContent`). */
  content(): PMJSON {
    return docToContent(this.doc);
  }

  /** Leaves the room (others see this presence go) and frees the document. Idempotent. */
  destroy(): void {
    this.#window?.removeEventListener("offline", this.#onOffline);
    this.#window?.removeEventListener("online", this.#onOnline);
    this.provider.destroy();
    this.awareness.destroy();
    this.doc.destroy();
  }
}
