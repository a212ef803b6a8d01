import { createContext } from "svelte";
import type { ApiClient } from "./api";
import type { UnreadCounter } from "./notifications/unread.svelte";
import type { Router } from "./router.svelte";
import type { Session } from "./session.svelte";

// The app's shared state, created once in App.svelte and handed down by context.
export const [getApi, setApi] = createContext<ApiClient>();
export const [getSession, setSession] = createContext<Session>();
export const [getRouter, setRouter] = createContext<Router>();
export const [getUnread, setUnread] = createContext<UnreadCounter>();
