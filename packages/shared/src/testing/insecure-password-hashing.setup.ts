// A vitest setup file (setupFiles): the suites of the worker, the overlord and the console
// hash passwords at test strength, in-process and in the programs they start.
import { useInsecureTestPasswordHashing } from './test-password-hashing.ts';

useInsecureTestPasswordHashing();
