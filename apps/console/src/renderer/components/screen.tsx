import type { ReactNode } from 'react';
import { StaleMark } from './connection-banner.tsx';

/** The frame of every screen: its title (the page's one h1), a line on what it is for, and its actions. */
export function Screen(props: { title: string; summary?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="screen" aria-labelledby="screen-title">
      <header className="screen-header">
        <div>
          <h1 id="screen-title" tabIndex={-1}>
            {props.title}
          </h1>
          {props.summary !== undefined && <p className="screen-summary">{props.summary}</p>}
          <StaleMark />
        </div>
        {props.actions !== undefined && <div className="button-row">{props.actions}</div>}
      </header>
      {props.children}
    </section>
  );
}
