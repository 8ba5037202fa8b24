/** Cursor paging for the admin API's lists: the cursors of the pages seen so far, and where we are. */
export interface PagerState {
  /** `cursors[i]` opens page i (undefined for the first). */
  cursors: (string | undefined)[];
  index: number;
}

export const FIRST_PAGE: PagerState = { cursors: [undefined], index: 0 };

export function nextPage(state: PagerState, nextCursor: string): PagerState {
  const cursors = state.cursors.slice(0, state.index + 1);
  cursors.push(nextCursor);
  return { cursors, index: state.index + 1 };
}

export function previousPage(state: PagerState): PagerState {
  return { ...state, index: Math.max(0, state.index - 1) };
}

/** "Showing 51–100 of 123" and the previous/next buttons. */
export function Pager(props: {
  label: string;
  pageSize: number;
  state: PagerState;
  shown: number;
  total?: number;
  nextCursor: string | null;
  onChange: (state: PagerState) => void;
}) {
  const first = props.state.index * props.pageSize + 1;
  const last = props.state.index * props.pageSize + props.shown;
  return (
    <nav className="pager" aria-label={props.label}>
      <p className="muted" aria-live="polite">
        {props.shown === 0 ? 'Nothing to show' : `Showing ${first}–${last}${props.total === undefined ? '' : ` of ${props.total}`}`}
      </p>
      <div className="button-row">
        <button
          type="button"
          className="button button-small"
          disabled={props.state.index === 0}
          onClick={() => props.onChange(previousPage(props.state))}
        >
          Previous page
        </button>
        <button
          type="button"
          className="button button-small"
          disabled={props.nextCursor === null}
          onClick={() => {
            if (props.nextCursor !== null) props.onChange(nextPage(props.state, props.nextCursor));
          }}
        >
          Next page
        </button>
      </div>
    </nav>
  );
}
