export * from "./common";
export * from "./accounts";
export * from "./standards";
export * from "./releases";
