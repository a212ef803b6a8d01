import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { Collaboration, syncUrl } from "./collaboration.svelte";

/** A websocket the test plays the server for. */
class FakeSocket {
  static opened: FakeSocket[] = [];
  readonly OPEN = 1;
  binaryType = "blob";
  readyState = 0;
  sent: Uint8Array[] = [];
  onopen: (() => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onmessage: ((event: { data: ArrayBuffer }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.opened.push(this);
  }

  send(frame: Uint8Array) {
    this.sent.push(frame);
  }

  close() {
    this.readyState = 3;
  }

  /** The server accepts the connection and answers the client's sync step 1. */
  accept() {
    this.readyState = 1;
    this.onopen?.();
    // messageSync, syncStep2, an update that adds nothing.
    const nothing = Y.encodeStateAsUpdate(new Y.Doc());
    this.onmessage?.({ data: new Uint8Array([0, 1, nothing.length, ...nothing]).buffer });
  }

  /** The server closes the connection. */
  shut(code: number, reason = "") {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

const latest = () => FakeSocket.opened[FakeSocket.opened.length - 1]!;
const connect = (readOnly = false) =>
  new Collaboration({ url: "ws://codewright.test/sync", room: "draft.s1", readOnly, WebSocket: FakeSocket as unknown as typeof WebSocket });
const edit = (collaboration: Collaboration) => collaboration.body.insert(collaboration.body.length, [new Y.XmlElement("paragraph")]);

describe("Collaboration", () => {
  let collaboration: Collaboration;

  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.opened = [];
  });

  afterEach(() => {
    collaboration?.destroy();
    vi.useRealTimers();
  });

  it("connects to the room's address", () => {
    collaboration = connect();
    expect(syncUrl("https://codewright.example")).toBe("wss://codewright.example/sync");
    expect(latest().url).toBe("ws://codewright.test/sync/draft.s1");
    expect(collaboration.status.label).toBe("Connecting…");
    expect(collaboration.writable).toBe(false);
  });

  it("is writable once synced, and counts changes made while offline until the next sync", () => {
    collaboration = connect();
    latest().accept();
    expect(collaboration.link).toBe("live");
    expect(collaboration.writable).toBe(true);
    edit(collaboration);
    expect(collaboration.unsaved).toBe(0);

    latest().shut(1006);
    expect(collaboration.link).toBe("offline");
    edit(collaboration);
    edit(collaboration);
    expect(collaboration.status.label).toBe("Offline · 2 unsaved changes");
    expect(collaboration.writable).toBe(true);

    vi.advanceTimersByTime(3000);
    expect(FakeSocket.opened).toHaveLength(2);
    latest().accept();
    expect(collaboration.link).toBe("live");
    expect(collaboration.unsaved).toBe(0);
  });

  it("shows saving paused through reconnect attempts until the room takes changes again", () => {
    collaboration = connect();
    latest().accept();
    latest().shut(1013, "saving_paused: Saving is paused; your changes are kept and sent again on reconnect.");
    edit(collaboration);
    expect(collaboration.status.label).toBe("Saving paused · 1 unsaved change");
    vi.advanceTimersByTime(3000);
    latest().shut(1013, "saving_paused: Saving is paused.");
    expect(collaboration.link).toBe("paused");
    vi.advanceTimersByTime(3000);
    latest().accept();
    expect(collaboration.status.label).toBe("Connected");
  });

  it("stops for good when the server refuses a write, and stops being writable", () => {
    collaboration = connect();
    latest().accept();
    latest().shut(1008, "read_only: You can read this section but not change it.");
    expect(collaboration.status).toEqual({ tone: "danger", label: "Read-only", detail: "You can read this section but not change it." });
    expect(collaboration.writable).toBe(false);
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.opened).toHaveLength(1);
  });

  it("never offers a read-only view for writing, and says it reads in presence", () => {
    collaboration = connect(true);
    latest().accept();
    expect(collaboration.writable).toBe(false);
    expect(collaboration.status.label).toBe("Live · read-only");
    expect(collaboration.awareness.getLocalState()).toEqual({ mode: "reading" });
  });
});
