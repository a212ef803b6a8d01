/**
 * Every schema migration of Codewright, by name, in the order they apply.
 * Migrations import nothing from the application, so they stay frozen in time.
 * Name new files `NNNN_what.ts` and add them here; never edit one that has shipped.
 */
import type { Migration } from "kysely/migration";
import * as m0001 from "./0001_foundation";
import * as m0002 from "./0002_sync";
import * as m0003 from "./0003_releases";
import * as m0004 from "./0004_proposals";
import * as m0005 from "./0005_room_snapshots";
import * as m0006 from "./0006_token_expiry";
import * as m0007 from "./0007_release_changes";
import * as m0008 from "./0008_participation";
import * as m0009 from "./0009_notifications";
import * as m0010 from "./0010_cycles";
import * as m0011 from "./0011_comment_resolution";
import * as m0012 from "./0012_cycle_reports";

export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_sync": m0002,
  "0003_releases": m0003,
  "0004_proposals": m0004,
  "0005_room_snapshots": m0005,
  "0006_token_expiry": m0006,
  "0007_release_changes": m0007,
  "0008_participation": m0008,
  "0009_notifications": m0009,
  "0010_cycles": m0010,
  "0011_comment_resolution": m0011,
  "0012_cycle_reports": m0012,
};
