/**
 * Live co-editing over the y-websocket protocol: the public surface of the sync module.
 * Register `syncPlugin`; reach the running service as `app.sync`.
 */
export { syncPlugin, type SyncPluginOptions } from "./plugin";
export { SyncService, type Admission, type SyncStats } from "./service";
export { RoomResolvers, resolveDraftRoom, type RoomGrant, type RoomResolver } from "./resolvers";
export type { RoomOrigin, RoomState, RoomStats } from "./room";
export { CloseCode, SyncRefusal } from "./refusals";
export type { PresenceIdentity } from "./awareness";
