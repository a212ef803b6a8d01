// Talking to a Codewright server: its URL, an optional API token, and errors a person can act on.

export interface Remote {
  /** Base URL without a trailing slash, e.g. `https://codes.example.org`. */
  server: string;
  token?: string;
}

/** The server and token from options, the token falling back on CODEWRIGHT_TOKEN. Throws when the URL is not http(s). */
export function remoteFrom(server: string | undefined, token: string | undefined, env: NodeJS.ProcessEnv = process.env): Remote {
  if (!server) throw new Error("--server <url> is needed, e.g. --server https://codes.example.org");
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new Error(`--server ${server} is not a URL; write it like https://codes.example.org`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`--server must be an http or https URL, not ${url.protocol}`);
  return { server: url.toString().replace(/\/+$/, ""), token: token || env.CODEWRIGHT_TOKEN || undefined };
}

export interface Fetched {
  status: number;
  body: string;
}

/**
 * Sends a request to the server and returns the body of a 2xx answer. Throws with the
 * server's own explanation (`code`, HTTP status) otherwise, or with the reason it could not
 * be reached.
 */
export async function call(remote: Remote, method: "GET" | "POST", path: string, json?: unknown): Promise<Fetched> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (remote.token) headers.authorization = `Bearer ${remote.token}`;
  if (json !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(`${remote.server}${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`could not reach ${remote.server}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  const body = await response.text();
  if (response.ok) return { status: response.status, body };
  let reason = `HTTP ${response.status}`;
  try {
    const { error } = JSON.parse(body) as { error?: { code?: string; message?: string } };
    if (error?.message) reason = `${error.message} (${error.code ?? "error"}, HTTP ${response.status})`;
  } catch {
    // Not one of our error bodies (a proxy, say): the status is all we have.
  }
  if (response.status === 401 && !remote.token) reason += ". Pass --token or set CODEWRIGHT_TOKEN.";
  throw new Error(`${method} ${path}: ${reason}`);
}

/** The parsed JSON of a 2xx answer. */
export async function callJson<T>(remote: Remote, method: "GET" | "POST", path: string, json?: unknown): Promise<T> {
  const { body } = await call(remote, method, path, json);
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new Error(`${method} ${path}: the server's answer is not JSON; is ${remote.server} a Codewright server?`);
  }
}

export const standardPath = (slug: string) => `/api/standards/${encodeURIComponent(slug)}`;
