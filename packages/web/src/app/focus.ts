/**
 * Where the focus goes when the page changes: to the new page's heading (its h1, made focusable with
 * tabIndex -1), so that keyboard users continue from the top of the new page and screen readers say where they
 * are. Not on the first page load (the skip link comes first), not when only the query changes (filters), and
 * not when the user picked a tab of the page's own tab bar (a `nav` inside <main>): the focus stays on that tab,
 * as in a tab list.
 */
import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router';

/** How long to wait for a heading to appear (a page loaded on first visit, a page still loading its data). */
const WAIT_MS = 3000;

/**
 * Focuses the first h1 in `main` once there is one. Gives up when the user has moved the focus meanwhile; if no
 * heading comes, focuses `main` itself (if the focus was lost with the old page). Returns a stop function.
 */
export function focusPageHeading(main: HTMLElement): () => void {
  const before = document.activeElement;
  const userMoved = () => {
    const now = document.activeElement;
    return now !== null && now !== before && now !== document.body && now !== main;
  };
  const tryFocus = (): boolean => {
    if (userMoved()) return true;
    const h1 = main.querySelector<HTMLElement>('h1');
    if (!h1) return false;
    if (!h1.hasAttribute('tabindex')) h1.tabIndex = -1;
    h1.focus();
    return true;
  };
  if (tryFocus()) return () => {};
  const observer = new MutationObserver(() => {
    if (tryFocus()) stop();
  });
  const timer = setTimeout(() => {
    stop();
    if (!userMoved() && !main.contains(document.activeElement)) main.focus();
  }, WAIT_MS);
  function stop() {
    observer.disconnect();
    clearTimeout(timer);
  }
  observer.observe(main, { childList: true, subtree: true });
  return stop;
}

/** Moves the focus to the new page's heading after each navigation (see above); `main` is the page's <main>. */
export function useFocusOnNavigation(main: React.RefObject<HTMLElement | null>): void {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    // (the pathname is what changed: it is read so that the effect runs on each navigation)
    void pathname;
    if (first.current) {
      first.current = false;
      return;
    }
    const el = main.current;
    if (!el) return;
    // A tab of the page's own tab bar keeps the focus.
    if (document.activeElement?.closest('main nav')) return;
    return focusPageHeading(el);
  }, [pathname, main]);
}
