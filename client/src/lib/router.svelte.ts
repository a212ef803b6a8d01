import { matchRoute, type Route } from "./routes";

/** What the router needs of the browser window; tests hand it a fake. */
export interface RouterHost {
  readonly location: { readonly href: string };
  readonly history: Pick<History, "pushState" | "replaceState">;
  scrollTo(x: number, y: number): void;
}

/** The parts of the current address the app reads. */
export interface CurrentLocation {
  pathname: string;
  search: string;
  hash: string;
}

function read(href: string): CurrentLocation {
  const url = new URL(href);
  return { pathname: url.pathname, search: url.search, hash: url.hash };
}

/**
 * Client-side navigation on the History API. `route` follows the address bar; `navigate`
 * changes it without a page load. `attach` makes ordinary `<a href>` clicks on this site
 * and the back and forward buttons go through the router.
 */
export class Router {
  readonly #host: RouterHost;
  #location: CurrentLocation = $state({ pathname: "/", search: "", hash: "" });

  /** The page the current address shows. */
  readonly route: Route = $derived(matchRoute(this.#location.pathname, this.#location.search));

  constructor(host: RouterHost) {
    this.#host = host;
    this.#location = read(host.location.href);
  }

  get location(): Readonly<CurrentLocation> {
    return this.#location;
  }

  /** The current path and query, e.g. to come back here after signing in. */
  get current(): string {
    return this.#location.pathname + this.#location.search;
  }

  /**
   * Goes to `to` (a path on this site, or a URL of it) and scrolls to the top, or to the
   * hash's target. `replace` overwrites the current history entry instead of adding one.
   * An address on another site is left to the browser.
   */
  navigate(to: string, options: { replace?: boolean } = {}): void {
    const here = new URL(this.#host.location.href);
    const url = new URL(to, here);
    if (url.origin !== here.origin) {
      throw new RangeError(`The router only navigates within this site, not to ${url.origin}.`);
    }
    const target = url.pathname + url.search + url.hash;
    // Following a link to the page already shown adds no history entry.
    if (options.replace || url.href === here.href) this.#host.history.replaceState(null, "", target);
    else this.#host.history.pushState(null, "", target);
    this.#location = read(url.href);
    if (!url.hash) this.#host.scrollTo(0, 0);
  }

  /** Follows the address bar after the browser changed it (back, forward). */
  sync(): void {
    this.#location = read(this.#host.location.href);
  }

  /**
   * Routes link clicks inside `root` and history moves of `target` through this router.
   * Returns the function that undoes it.
   */
  attach(target: Window, root: HTMLElement | Document = target.document): () => void {
    const onPopState = () => this.sync();
    const onClick = (event: Event) => {
      const to = linkTarget(event as MouseEvent, this.#host.location.href);
      if (to === null) return;
      event.preventDefault();
      this.navigate(to);
    };
    target.addEventListener("popstate", onPopState);
    root.addEventListener("click", onClick);
    return () => {
      target.removeEventListener("popstate", onPopState);
      root.removeEventListener("click", onClick);
    };
  }
}

/**
 * The in-app address an ordinary click on a link should go to, or null when the browser
 * should handle the click itself: modified or non-primary clicks, links to other sites,
 * downloads, links with a target, and jumps to an anchor on the same page.
 */
export function linkTarget(event: MouseEvent, currentHref: string): string | null {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  const anchor = (event.target as Element | null)?.closest?.("a[href]");
  if (!anchor || !(anchor instanceof HTMLAnchorElement)) return null;
  if (anchor.hasAttribute("download") || (anchor.target && anchor.target !== "_self")) return null;
  if (anchor.getAttribute("rel")?.split(/\s+/).includes("external")) return null;
  const here = new URL(currentHref);
  const url = new URL(anchor.href, here);
  if (url.origin !== here.origin) return null;
  if (url.pathname === here.pathname && url.search === here.search && url.hash !== "") return null;
  return url.pathname + url.search + url.hash;
}
