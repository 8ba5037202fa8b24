import { QueryErrorResetBoundary } from '@tanstack/react-query';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorPanel } from '../components/states.tsx';

interface BoundaryProps {
  title: string;
  onReset: () => void;
  onSignInAgain: () => void;
  children: ReactNode;
}

interface BoundaryState {
  error: unknown;
  hasError: boolean;
}

class ErrorBoundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { error: null, hasError: false };

  static getDerivedStateFromError(error: unknown): BoundaryState {
    return { error, hasError: true };
  }

  override componentDidCatch(_error: unknown, _info: ErrorInfo): void {
    // The panel shows the error; nothing else to do (the console has no error reporting service).
  }

  private readonly retry = () => {
    this.props.onReset();
    this.setState({ error: null, hasError: false });
  };

  override render(): ReactNode {
    if (!this.state.hasError) return this.props.children;
    return (
      <section className="screen" aria-labelledby="screen-title">
        <header className="screen-header">
          <h1 id="screen-title" tabIndex={-1}>
            {this.props.title}
          </h1>
        </header>
        <ErrorPanel error={this.state.error} onRetry={this.retry} onSignInAgain={this.props.onSignInAgain} />
      </section>
    );
  }
}

/**
 * One screen's error boundary: a failed first load or a rendering bug shows what happened
 * and a way forward in place of that screen, while the sidebar stays usable.
 */
export function ScreenBoundary(props: { title: string; onSignInAgain: () => void; children: ReactNode }) {
  return (
    <QueryErrorResetBoundary>
      {({ reset }) => (
        <ErrorBoundary title={props.title} onReset={reset} onSignInAgain={props.onSignInAgain}>
          {props.children}
        </ErrorBoundary>
      )}
    </QueryErrorResetBoundary>
  );
}
