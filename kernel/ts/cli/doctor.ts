/**
 * @module cli/doctor — `vectora doctor`: checks what an app needs to start here (Node.js and Node-API versions, the
 * platform, the native kernel, the port) and the services it is configured with (REDIS_URL, DATABASE_URL).
 */
import { intFlag, type CommandArgs, type FlagSpec } from './args.js'
import { currentPlatform, checkBinding } from './kernel-binding.js'
import { probePort, probePostgres, probeRedis, redactUrl, type ProbeResult } from './probes.js'
import { runtimeInfo, satisfiesMinimum } from './runtime-info.js'

/** Flags of `vectora doctor`. */
export const DOCTOR_FLAGS: FlagSpec = {
  port: { type: 'string' },
  host: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
}

/** One line of the report. */
export interface DoctorCheck {
  readonly name: string
  /** `fail` makes doctor exit 1; `warn` does not; `skip`: not configured. */
  readonly status: 'ok' | 'warn' | 'fail' | 'skip'
  readonly detail: string
  readonly fix?: string
}

/**
 * Runs every check and prints them; resolves 0 when none failed, else 1.
 *
 * @example
 * const code = await doctor(parseCommandArgs('doctor', ['--port', '8080'], DOCTOR_FLAGS))
 */
export async function doctor(args: CommandArgs): Promise<number> {
  const port = intFlag('port', args.flags.port ?? process.env.PORT, 3000, 0, 65_535)
  const timeout = intFlag('timeout', args.flags.timeout, 2_000, 1, 60_000)
  const host = typeof args.flags.host === 'string' ? args.flags.host : (process.env.HOST ?? '127.0.0.1')
  const checks = await runChecks(host, port, timeout)
  const failed = checks.filter((check) => check.status === 'fail').length
  if (args.flags.json === true) {
    process.stdout.write(`${JSON.stringify({ ok: failed === 0, checks }, null, 2)}\n`)
  } else {
    const lines = ['vectora doctor', '']
    for (const check of checks) {
      lines.push(`  ${check.status.toUpperCase().padEnd(5)} ${check.name.padEnd(9)} ${check.detail}`)
      if (check.fix !== undefined) lines.push(`  ${''.padEnd(5)} ${''.padEnd(9)} fix: ${check.fix}`)
    }
    lines.push('', failed === 0 ? 'No check failed.' : `${failed} ${failed === 1 ? 'check' : 'checks'} failed (VEC_ERR_CLI_CHECK_FAILED).`, '')
    process.stdout.write(lines.join('\n'))
  }
  return failed === 0 ? 0 : 1
}

/**
 * The checks, in report order.
 *
 * @example
 * const checks = await runChecks('127.0.0.1', 3000, 2_000)
 */
export async function runChecks(host: string, port: number, timeout: number): Promise<DoctorCheck[]> {
  const info = runtimeInfo()
  const platform = currentPlatform(info.packageDir)
  const checks: DoctorCheck[] = [{ name: 'vectora', status: 'ok', detail: `${info.version} (${info.packageDir})` }]
  checks.push(
    satisfiesMinimum(info.node, info.nodeRange)
      ? { name: 'node', status: 'ok', detail: `${info.node} (vectora needs ${info.nodeRange})` }
      : { name: 'node', status: 'fail', detail: `${info.node}; vectora needs ${info.nodeRange}`, fix: `Install Node.js ${info.nodeRange} (an LTS release).` },
  )
  checks.push(
    info.napi >= info.napiRequired
      ? { name: 'node-api', status: 'ok', detail: `${info.napi} (the kernel needs ${info.napiRequired})` }
      : { name: 'node-api', status: 'fail', detail: `${info.napi}; the kernel needs Node-API ${info.napiRequired}`, fix: 'Upgrade Node.js.' },
  )
  checks.push(
    info.prebuilt.includes(platform)
      ? { name: 'platform', status: 'ok', detail: `${platform} (a prebuilt kernel ships for it)` }
      : {
          name: 'platform',
          status: 'warn',
          detail: `${platform}: no prebuilt kernel ships for it (${info.prebuilt.join(', ')} do)`,
          fix: 'Build the kernel from the Vectora repository (npm run build:kernel) and set VECTORA_KERNEL_PATH to its index.node.',
        },
  )
  const binding = checkBinding(info.packageDir)
  checks.push(
    binding.loaded
      ? { name: 'kernel', status: 'ok', detail: `loaded ${binding.file} (${binding.via})` }
      : { name: 'kernel', status: 'fail', detail: `does not load: ${binding.message}` },
  )
  const [portResult, redis, postgres] = await Promise.all([probePort(host, port), service('redis', timeout), service('postgres', timeout)])
  checks.push(fromProbe('port', portResult), redis, postgres)
  return checks
}

/** The services checked when their variable is set, and the URL schemes each understands. */
const SERVICES = {
  // REDIS_URL means Redis: another scheme is a mistake. DATABASE_URL may name another database: not checked.
  redis: { variable: 'REDIS_URL', schemes: ['redis:', 'rediss:'], probe: probeRedis, otherScheme: 'fail' },
  postgres: { variable: 'DATABASE_URL', schemes: ['postgres:', 'postgresql:'], probe: probePostgres, otherScheme: 'skip' },
} as const

async function service(name: keyof typeof SERVICES, timeout: number): Promise<DoctorCheck> {
  const { variable, schemes, probe, otherScheme } = SERVICES[name]
  const value = process.env[variable]
  if (value === undefined || value === '') return { name, status: 'skip', detail: `${variable} is not set` }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return {
      name,
      status: 'fail',
      detail: `${variable} is not a URL`,
      fix: `Write it as ${schemes[0]}//host:port (credentials go before the host: user:password@).`,
    }
  }
  if (!(schemes as readonly string[]).includes(url.protocol)) {
    if (otherScheme === 'skip') return { name, status: 'skip', detail: `${variable} is a ${url.protocol} URL; doctor checks ${schemes.join(' and ')} URLs` }
    return { name, status: 'fail', detail: `${variable} is a ${url.protocol} URL, not ${schemes.join(' or ')}`, fix: `Write it as ${schemes[0]}//host:port.` }
  }
  const result = await probe(url, timeout)
  return fromProbe(name, result.ok ? { ok: true, detail: `${redactUrl(url)}: ${result.detail}` } : { ...result, detail: `${redactUrl(url)}: ${result.detail}` })
}

function fromProbe(name: string, result: ProbeResult): DoctorCheck {
  return result.ok ? { name, status: 'ok', detail: result.detail } : { name, status: 'fail', detail: result.detail, fix: result.fix }
}
