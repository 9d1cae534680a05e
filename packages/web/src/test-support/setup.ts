/**
 * Component test setup (jsdom): unmount after each test, and the few browser APIs jsdom lacks that CodeMirror
 * and the theme code call (layout measurement, matchMedia).
 */
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
  // (a test may run in Node instead: `// @vitest-environment node`)
  if (typeof sessionStorage !== 'undefined') sessionStorage.clear();
  if (typeof localStorage !== 'undefined') localStorage.clear();
});

const emptyRect = { x: 0, y: 0, width: 0, height: 0, top: 0, right: 0, bottom: 0, left: 0, toJSON: () => ({}) };
const emptyRects = Object.assign([], { item: () => null }) as unknown as DOMRectList;
if (typeof Range !== 'undefined') {
  Range.prototype.getClientRects = () => emptyRects;
  Range.prototype.getBoundingClientRect = () => emptyRect as DOMRect;
}
if (typeof window !== 'undefined' && !window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

// xterm.js probes a canvas when it loads; jsdom has none (and says so loudly).
if (typeof HTMLCanvasElement !== 'undefined') {
  HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement['getContext'];
}

// jsdom's Blob (and so File) has no text(); browsers do.
if (typeof Blob !== 'undefined' && typeof FileReader !== 'undefined' && !Blob.prototype.text) {
  Blob.prototype.text = function text(this: Blob) {
    return new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(reader.error);
      reader.readAsText(this);
    });
  };
}
