import type { DexctlIo } from './command.ts';

const toBuffer = (chunk: string | Uint8Array) => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));

/** Everything on standard input, as UTF-8 text. */
export async function readStdin(io: DexctlIo): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(toBuffer(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The first line of standard input without its line ending, reading no further than it (so a
 * terminal is not waited on until end of file), or undefined when the input is empty.
 * @example const password = await readFirstLine(io); // 'hunter22' from "hunter22\n"
 */
export async function readFirstLine(io: DexctlIo): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) {
    const buffer = toBuffer(chunk);
    const newline = buffer.indexOf(0x0a);
    if (newline !== -1) {
      chunks.push(buffer.subarray(0, newline));
      return Buffer.concat(chunks).toString('utf8').replace(/\r$/, '');
    }
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r$/, '');
  return text === '' ? undefined : text;
}
