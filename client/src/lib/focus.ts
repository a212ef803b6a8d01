/**
 * An attachment for the heading or message that replaces a form once it is sent: it takes focus,
 * so keyboard and screen-reader users continue from what happened. The element needs `tabindex="-1"`.
 */
export function focusOnAppear(element: HTMLElement): void {
  element.focus();
}
