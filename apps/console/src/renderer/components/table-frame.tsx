import type { ReactNode } from 'react';

/**
 * The frame of a table that may scroll sideways on a small window: it takes the keyboard focus
 * so the hidden columns can be scrolled to without a mouse (WCAG 2.1.1, axe
 * `scrollable-region-focusable`); the page itself never scrolls sideways.
 */
export function TableFrame(props: { children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must be reachable from the keyboard (see above)
    <div className="table-wrap" tabIndex={0}>
      {props.children}
    </div>
  );
}
