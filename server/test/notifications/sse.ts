/** Reads server-sent events from a stream until `count` events arrived, or fails after `timeoutMs`. */
export async function readEvents(reader: ReadableStreamDefaultReader<Uint8Array>, count: number, timeoutMs = 8000): Promise<Array<{ event: string; data: any }>> {
  const decoder = new TextDecoder();
  const events: Array<{ event: string; data: any }> = [];
  const deadline = Date.now() + timeoutMs;
  let buffer = (reader as { rest?: string }).rest ?? "";
  for (;;) {
    let end: number;
    while (events.length < count && (end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields: Record<string, string> = Object.fromEntries(
        block
          .split("\n")
          .filter((l) => l && !l.startsWith(":"))
          .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]),
      );
      if (fields.event) events.push({ event: fields.event, data: JSON.parse(fields.data ?? "null") });
    }
    if (events.length >= count) break;
    let timer: NodeJS.Timeout | undefined;
    const chunk = await Promise.race([
      reader.read(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`only ${events.length} of ${count} events in time`)), Math.max(0, deadline - Date.now()));
      }),
    ]).finally(() => clearTimeout(timer));
    if (chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true });
  }
  // What was read beyond the events asked for is kept for the next call.
  (reader as { rest?: string }).rest = buffer;
  return events;
}

/** Resolves true when the stream ends within `timeoutMs`, false otherwise. */
export async function ends(reader: ReadableStreamDefaultReader<Uint8Array>, timeoutMs = 5000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const ended = (async () => {
    for (let chunk = await reader.read(); ; chunk = await reader.read()) if (chunk.done) return true;
  })();
  return Promise.race([ended, timeout]).finally(() => clearTimeout(timer));
}
