import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// Testing Library cleans up after each test only when test globals exist; this suite imports them.
afterEach(() => {
  cleanup();
  window.location.hash = '';
});
