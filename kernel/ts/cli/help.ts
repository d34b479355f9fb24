/**
 * @module cli/help — the `--help` text of the CLI and of each command (docs/cli.md says the same at length).
 */

/** The commands, with their one-line summaries, in the order `vectora --help` lists them. */
export const COMMANDS = {
  start: "Run the app in production: startup diagnostics as log lines, the app's signal handling and exit codes.",
  dev: 'Run the app and restart it when a file changes (the old process drains first).',
  routes: 'Print every route with its resolved pipeline: hooks in order, guards, contract parts.',
  doctor: 'Check Node.js, Node-API, the platform, the native kernel, the port, and Redis/PostgreSQL when configured.',
} as const

/** A command name. */
export type CommandName = keyof typeof COMMANDS

const ENTRY = `[entry] is the module that creates the app. Default: package.json "main", else`

const TEXTS: Record<CommandName, string> = {
  start: `Usage: vectora start [entry] [-- app arguments]

${COMMANDS.start}

${ENTRY} dist/main.js, src/main.ts, src/main.js (a .ts entry runs under the app's tsx).
The app runs in this process, as \`node <entry>\` would: SIGTERM/SIGINT drain it and the exit code
is its shutdown report's (0 clean, 1 a step failed or a second signal; docs/lifecycle.md).

Exit codes: 0 clean shutdown · 1 the app failed to start or a shutdown step failed · 2 no entry, tsx missing, bad flag

Example:
  PORT=8080 vectora start dist/main.js
`,
  dev: `Usage: vectora dev [entry] [--watch <path>]... [--ignore <name>]... [--ext <.ext>]... [--kill-timeout <ms>] [-- app arguments]

${COMMANDS.dev}

${ENTRY} src/main.ts, src/main.js, dist/main.js.
NODE_ENV defaults to development. A restart sends SIGTERM to the old process, waits for it to drain and
exit, then starts the new one. An app that fails to start prints its error; dev waits for the next change.

Flags:
  --watch <path>       Folder or file to watch, repeatable. Default: the app's folder (nearest package.json).
  --ignore <name>      Folder or file name whose changes are ignored, repeatable. Always ignored:
                       node_modules, coverage, dot-names, and dist unless the entry is in it.
  --ext <.ext>         Another file extension that restarts the app, repeatable. Default: .js .mjs .cjs
                       .ts .mts .cts .json (a file given to --watch counts whatever its extension).
  --kill-timeout <ms>  SIGKILL an old process still running this long after SIGTERM. Default 30000.

Exit codes: 0 after Ctrl-C and a clean shutdown (else the last app process's code) · 2 no entry, tsx missing, bad flag

Example:
  vectora dev src/main.ts --watch src
`,
  routes: `Usage: vectora routes [entry] [--json]

${COMMANDS.routes}

${ENTRY} src/main.ts, src/main.js, dist/main.js.
No port is opened: the entry runs until it calls app.listen(), which readies the app (plugins set up,
onReady hooks run) and prints the table instead. An entry that does not listen may export its app
(export default app, or export const app).

Flags:
  --json   One JSON array of routes: method, path, owner, probe, contract, guards, hooks.

Exit codes: 0 printed · 1 the app failed to start, or no app was found · 2 no entry, tsx missing, bad flag

Example:
  vectora routes src/main.ts
`,
  doctor: `Usage: vectora doctor [--port <n>] [--host <address>] [--timeout <ms>] [--json]

${COMMANDS.doctor}

Redis is checked when REDIS_URL is set (PING), PostgreSQL when DATABASE_URL is set (an SSLRequest: no
credentials are sent). URLs are printed without user name and password.

Flags:
  --port <n>          Port to check is free. Default: PORT, else 3000.
  --host <address>    Address to check it on. Default: HOST, else 127.0.0.1.
  --timeout <ms>      Time each network check may take. Default 2000.
  --json              { ok, checks: [{ name, status, detail, fix? }] }.

Exit codes: 0 no check failed · 1 a check failed (VEC_ERR_CLI_CHECK_FAILED) · 2 bad flag

Example:
  REDIS_URL=redis://127.0.0.1:6379 vectora doctor --port 8080
`,
}

/**
 * The help of one command, or of the CLI.
 *
 * @example
 * process.stdout.write(helpText('routes'))
 */
export function helpText(command?: CommandName): string {
  if (command !== undefined) return TEXTS[command]
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length))
  const list = Object.entries(COMMANDS).map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`)
  return `Usage: vectora <command> [options]

Commands:
${list.join('\n')}

Options:
  -h, --help     Help of the CLI, or of a command (vectora <command> --help)
  -v, --version  The vectora version

Docs: docs/cli.md
`
}
