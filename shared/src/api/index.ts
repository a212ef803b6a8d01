export * from "./common";
export * from "./accounts";
export * from "./standards";
export * from "./releases";
export * from "./proposals";
export * from "./comments";
export * from "./participation";
export * from "./cycles";
