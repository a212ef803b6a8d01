export { watch, unwatch, watchState, listWatches, addWatch } from "./watches";
export { notificationEvents } from "./dispatch";
export { listNotifications, markRead, unreadCount, type InboxOptions } from "./inbox";
export { readPreferences, updatePreferences } from "./preferences";
export { sendDigests, lastDigestHour } from "./digest";
export { scheduleDeadline, cancelDeadline, remindDeadlines, type NewDeadline } from "./deadlines";
export { checkUnsubscribe, unsubscribe, unsubscribePage, unsubscribedPage, unsubscribeToken, UNSUBSCRIBE_TTL_MS } from "./unsubscribe";
