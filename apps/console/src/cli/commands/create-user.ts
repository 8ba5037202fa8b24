import type { TCreateUserRequest } from '@dex/shared/admin-api';
import { CommandUsageError, type DexctlCommand } from '../command.ts';
import { shellAssignments } from '../output.ts';
import { readFirstLine } from '../read-input.ts';
import { reportFailure, runOperation } from '../run-operation.ts';

const FAILURE = 'Unable to create user';
const PASSWORD_SOURCES = ['password-stdin', 'password', 'no-password'] as const;

/** `dexctl create-user EMAIL`: a user of the local connector (or of upstream connectors only). */
export const createUserCommand: DexctlCommand = {
  name: 'create-user',
  synopsis: 'EMAIL',
  arity: { min: 1, max: 1 },
  summary: 'Create a user (password from stdin with --password-stdin).',
  description:
    'Creates the user EMAIL and prints its ID as a shell variable (DEX_USER_ID, DEX_USER_EMAIL).\n' +
    'Say where the password comes from, once: --password-stdin reads the first line of\n' +
    'standard input (use this in scripts), --password takes it on the command line (where\n' +
    'the process list and the shell history can show it), --no-password makes a user who\n' +
    'logs in through upstream connectors only. For example:\n' +
    '  printf "%s\\n" "$PASSWORD" | dexctl create-user --password-stdin ann@example.com\n' +
    'With --json: the user object of the admin API.',
  flags: [
    { name: 'password-stdin', boolean: true, description: 'Read the password from the first line of standard input.' },
    { name: 'password', placeholder: 'PASSWORD', description: 'The password (visible to other local users: prefer --password-stdin).' },
    { name: 'no-password', boolean: true, description: 'No local password: the user logs in through upstream connectors only.' },
    { name: 'name', placeholder: 'NAME', description: 'Display name.' },
    { name: 'admin', boolean: true, description: 'An admin user.' },
    { name: 'email-verified', boolean: true, description: 'Mark the email address as verified.' },
  ],
  async run(context) {
    const { args, flags, io } = context;
    const email = args[0] ?? '';
    const sources = PASSWORD_SOURCES.filter((name) => (name === 'password' ? flags.value(name) !== undefined : flags.isSet(name)));
    if (sources.length === 0) {
      throw new CommandUsageError('say where the password comes from: --password-stdin, --password or --no-password');
    }
    if (sources.length > 1) throw new CommandUsageError(`give only one of ${sources.map((name) => `--${name}`).join(', ')}`);

    let password: string | undefined;
    if (sources[0] === 'password-stdin') {
      password = await readFirstLine(io);
      if (password === undefined || password === '') return reportFailure(io, FAILURE, new Error('no password on standard input'));
    } else if (sources[0] === 'password') {
      password = flags.value('password');
    }
    const name = flags.value('name');
    const request: TCreateUserRequest = {
      email,
      ...(password === undefined ? {} : { password }),
      ...(name === undefined ? {} : { displayName: name }),
      ...(flags.isSet('admin') ? { admin: true } : {}),
      ...(flags.isSet('email-verified') ? { emailVerified: true } : {}),
    };
    return runOperation(context, {
      failure: FAILURE,
      run: (driver) => driver.createUser(request),
      json: (user) => user,
      text: (user) =>
        shellAssignments('Added new user:', [
          ['DEX_USER_ID', user.id],
          ['DEX_USER_EMAIL', user.email],
        ]),
    });
  },
};
