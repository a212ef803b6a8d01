/**
 * Live co-editing over the y-websocket protocol, with no transport of its own: rooms, connections,
 * the message codec, persistence and the cluster link. Build one `SyncService` per process with
 * every room kind and state point source; the HTTP layer admits upgrades and hands over sockets.
 */
export { SyncService, type Admission, type SyncServiceOptions, type SyncStats } from "./service";
export type { SyncLogger } from "./log";
export type { RoomOrigin, RoomState, RoomStats } from "./room";
export { CloseCode, SyncRefusal } from "./refusals";
export type { PresenceIdentity } from "./awareness";
