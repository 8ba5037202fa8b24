import type { TConnectorTestResult } from '@dex/shared/admin-api';
import { InlineError } from '../../components/states.tsx';
import type { ConnectorConfig } from './connector-fields.ts';

/** The last "Test connection" of a form: the config it tested and what the overlord found. */
export interface TestedConfig {
  config: ConnectorConfig;
  result: TConnectorTestResult;
}

/**
 * Why saving needs a confirmation, or null when it does not: the connection was not tested,
 * the config changed since the test, or the test failed.
 * @example saveWarning(null, config) // 'The connection was not tested.'
 */
export function saveWarning(tested: TestedConfig | null, config: ConnectorConfig): string | null {
  if (tested === null) return 'The connection was not tested.';
  if (tested.config !== config) return 'The config changed after the last connection test.';
  return tested.result.ok ? null : 'The connection test failed.';
}

/** The steps of the last "Test connection", each with its outcome, message and time. */
export function ConnectionTestSteps(props: { tested: TestedConfig | null; error: unknown; isPending: boolean }) {
  if (props.isPending) return <p className="muted">Testing the connection…</p>;
  if (props.error != null) return <InlineError error={props.error} />;
  if (props.tested === null) return null;
  const { result } = props.tested;
  return (
    <div className={result.ok ? 'callout' : 'callout callout-error'} role="status">
      <p>{result.ok ? '✓ The connection works.' : '✗ The connection does not work.'}</p>
      <ol className="test-steps">
        {result.steps.map((step) => (
          <li key={step.name}>
            {step.ok ? '✓' : '✗'} <strong>{step.name}</strong>: {step.message} <span className="muted">({step.elapsedMs} ms)</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
