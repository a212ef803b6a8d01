import { describe, expect, it } from "vitest";
import { describeConnection, judgeClose, parseCloseReason } from "./status";

describe("judgeClose", () => {
  it("keeps trying while saving is paused", () => {
    expect(judgeClose(1013, "saving_paused: Saving is paused; your changes are kept.")).toEqual({
      kind: "paused",
      refusal: { code: 1013, id: "saving_paused", message: "Saving is paused; your changes are kept." },
    });
  });

  it("reconnects after restarts, lost networks, slow links and changed rights", () => {
    expect(judgeClose(1001, "going_away: The server is restarting; reconnect.").kind).toBe("retry");
    expect(judgeClose(1006, "").kind).toBe("retry");
    expect(judgeClose(1013, "falling_behind: The connection could not keep up; reconnect.").kind).toBe("retry");
    expect(judgeClose(4000, "access_changed: Your rights changed; reconnect.").kind).toBe("retry");
  });

  it("stops when reconnecting would only repeat the refusal", () => {
    expect(judgeClose(1008, "read_only: You can read this section but not change it.")).toMatchObject({ kind: "stop", refusal: { id: "read_only" } });
    expect(judgeClose(1009, "document_too_large: Too large.").kind).toBe("stop");
    expect(judgeClose(1003, "malformed_message: Bad.").kind).toBe("stop");
    expect(judgeClose(4401, "session_ended: You signed out.")).toMatchObject({ kind: "stop", refusal: { id: "session_ended" } });
  });

  it("keeps a reason without an id whole", () => {
    expect(parseCloseReason(1011, "oops")).toEqual({ code: 1011, id: "unknown", message: "oops" });
  });
});

describe("describeConnection", () => {
  const editor = { readOnly: false, unsaved: 0, refusal: null };

  it("says connected, or live for readers", () => {
    expect(describeConnection({ ...editor, link: "live" }).label).toBe("Connected");
    expect(describeConnection({ ...editor, readOnly: true, link: "live" }).label).toBe("Live · read-only");
  });

  it("counts unsaved changes while offline or paused", () => {
    expect(describeConnection({ ...editor, link: "offline", unsaved: 1 })).toMatchObject({ tone: "warning", label: "Offline · 1 unsaved change" });
    expect(describeConnection({ ...editor, link: "offline", unsaved: 0 }).label).toBe("Offline");
    expect(describeConnection({ ...editor, link: "paused", unsaved: 3 }).label).toBe("Saving paused · 3 unsaved changes");
  });

  it("names a refusal", () => {
    const refusal = { code: 1008, id: "read_only", message: "You can read this section but not change it." };
    expect(describeConnection({ ...editor, link: "stopped", refusal })).toEqual({ tone: "danger", label: "Read-only", detail: refusal.message });
  });
});
