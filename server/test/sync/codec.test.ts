import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { decodeMessage, encodeAwarenessUpdate } from "../../src/sync/protocol";
import { fanOut } from "../../src/sync/fanout";
import { Staging } from "../../src/sync/validation";
import { SyncRefusal } from "../../src/sync/refusals";
import { frames, paragraphUpdate } from "./helpers";

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof SyncRefusal) return { id: err.id, code: err.closeCode };
    throw err;
  }
  throw new Error("no refusal");
};

describe("sync codec", () => {
  it("decodes the y-websocket messages a stock client sends", () => {
    const doc = new Y.Doc();
    expect(decodeMessage(frames.syncStep1(doc), 1024)).toMatchObject({ type: "syncStep1" });
    expect(decodeMessage(frames.syncStep2(paragraphUpdate("a")), 1024)).toMatchObject({ type: "syncStep2" });
    expect(decodeMessage(frames.update(paragraphUpdate("b")), 1024)).toMatchObject({ type: "update" });
    expect(decodeMessage(frames.awareness([{ clientId: 7, clock: 2, state: { cursor: 1 } }]), 1024)).toEqual({
      type: "awareness",
      entries: [{ clientId: 7, clock: 2, state: { cursor: 1 } }],
    });
    expect(decodeMessage(new Uint8Array([3]), 1024)).toEqual({ type: "queryAwareness" });
  });

  it("copies payloads out of the frame", () => {
    const frame = frames.update(paragraphUpdate("copy"));
    const message = decodeMessage(frame, 1024) as { update: Uint8Array };
    expect(message.update.buffer).not.toBe(frame.buffer);
    expect(message.update.byteOffset).toBe(0);
  });

  it("refuses with bounds: lengths past the end, huge counts, trailing bytes, unknown types, oversize", () => {
    expect(refusal(() => decodeMessage(new Uint8Array([0, 2, 0x80, 0x80, 0x80, 0x01, 1, 2]), 1024))).toEqual({ id: "malformed_message", code: 1003 });
    expect(refusal(() => decodeMessage(new Uint8Array([0]), 1024)).code).toBe(1003);
    expect(refusal(() => decodeMessage(new Uint8Array([]), 1024)).code).toBe(1003);
    expect(refusal(() => decodeMessage(new Uint8Array([1, 4, 0xff, 0xff, 0xff, 0x0f]), 1024)).code).toBe(1003);
    expect(refusal(() => decodeMessage(new Uint8Array([2, 0, 0]), 1024)).code).toBe(1003);
    expect(refusal(() => decodeMessage(new Uint8Array([0, 9, 0]), 1024)).code).toBe(1003);
    expect(refusal(() => decodeMessage(new Uint8Array([3, 0]), 1024)).code).toBe(1003);
    expect(refusal(() => decodeMessage(frames.awareness([{ clientId: 1, clock: 1, state: [1] }]), 1024)).code).toBe(1003);
    expect(refusal(() => decodeMessage(new Uint8Array(2048), 1024))).toEqual({ id: "message_too_large", code: 1009 });
  });

  it("round-trips awareness entries", () => {
    const entries = [
      { clientId: 1, clock: 3, state: { user: { name: "x" } } },
      { clientId: 2, clock: 9, state: null },
    ];
    const frame = new Uint8Array([1, ...(() => {
      const body = encodeAwarenessUpdate(entries);
      return [body.length, ...body];
    })()]);
    expect(decodeMessage(frame, 1024)).toEqual({ type: "awareness", entries });
  });
});

describe("staging", () => {
  it("returns only what is new, re-encoded, and leaves the stored document alone", () => {
    const stored = new Y.Doc({ gc: false });
    const staging = new Staging(() => Y.encodeStateAsUpdate(stored), () => [], 1 << 20);
    const update = paragraphUpdate("new");
    const first = staging.stage(update);
    expect(first.kind).toBe("accepted");
    expect(staging.stage(update).kind).toBe("unchanged");
    expect(stored.getXmlFragment("body").length).toBe(0);
    staging.destroy();
    stored.destroy();
  });

  it("reports an update that overtook its predecessor as missing, without applying it", () => {
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on("update", (u: Uint8Array) => updates.push(u));
    source.getText("t").insert(0, "one");
    source.getText("t").insert(3, "two");
    const stored = new Y.Doc({ gc: false });
    const staging = new Staging(() => Y.encodeStateAsUpdate(stored), () => [], 1 << 20);
    expect(staging.stage(updates[1]!).kind).toBe("missing");
    expect(staging.stage(updates[0]!).kind).toBe("accepted");
    expect(staging.stage(updates[1]!).kind).toBe("accepted");
    staging.destroy();
    stored.destroy();
    source.destroy();
  });
});

describe("fan-out", () => {
  it("sends each receiver one frame, without its own updates", () => {
    const [a, b, c] = ["a", "b", "c"];
    const sent = new Map<string, number>();
    const u1 = paragraphUpdate("1");
    const u2 = paragraphUpdate("2");
    const frames: Record<string, Uint8Array> = {};
    fanOut([a, b, c], [{ update: u1, from: a }, { update: u2, from: b }], (r, f) => {
      sent.set(r, (sent.get(r) ?? 0) + 1);
      frames[r] = f;
    });
    expect([...sent.values()]).toEqual([1, 1, 1]);
    const contains = (frame: Uint8Array, update: Uint8Array) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, frame.slice(3));
      const has = Y.snapshotContainsUpdate(Y.snapshot(doc), update);
      doc.destroy();
      return has;
    };
    expect(contains(frames.a!, u2) && !contains(frames.a!, u1)).toBe(true);
    expect(contains(frames.b!, u1) && !contains(frames.b!, u2)).toBe(true);
    expect(contains(frames.c!, u1) && contains(frames.c!, u2)).toBe(true);
  });
});
