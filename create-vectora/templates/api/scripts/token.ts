/**
 * @module scripts/token — prints a token this app accepts, for trying the API by hand:
 * `npm run token -- ada` (a user), `npm run token -- root admin` (with the admin role). Reads JWT_SECRET
 * like the app does.
 */
import { tokenSigner } from '../src/auth.js'
import { loadConfig } from '../src/config.js'

const [subject, ...roles] = process.argv.slice(2)
if (subject === undefined || subject === '') {
  console.error('Usage: npm run token -- <subject> [role ...]   e.g. npm run token -- ada admin')
  process.exit(2)
}
console.log(tokenSigner(loadConfig(process.env)).sign({ sub: subject, roles }))
