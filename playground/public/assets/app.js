/**
 * @module playground/public/assets/app — the page's script: sign up, log in, list, add, edit and delete notes
 * through the notes API. Plain JavaScript, no build step, no dependency. The API is the page's own origin, or
 * ?api=<origin> (another origin, reached through CORS). The token lives in sessionStorage: it is gone when the tab
 * closes. Everything shown comes from the API and is set with textContent, never parsed as HTML.
 */

const $ = (selector) => document.querySelector(selector)

const api = apiOrigin(new URLSearchParams(location.search).get('api'))
const session = {
  token: sessionStorage.getItem('playground.token'),
  user: readUser(sessionStorage.getItem('playground.user')),
}

/** The API origin: `?api=` when it is an http(s) URL, else the page's own origin. */
function apiOrigin(value) {
  if (value) {
    try {
      const url = new URL(value)
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin
    } catch {
      // not a URL: use the page's origin
    }
  }
  return location.origin
}

function readUser(text) {
  try {
    return text ? JSON.parse(text) : null
  } catch {
    return null
  }
}

/** A failed API call: the status and the problem+json body the API answered with. */
class ApiError extends Error {
  constructor(status, problem) {
    const detail = problem && typeof problem === 'object' ? `${problem.title ?? ''}: ${problem.detail ?? ''}${problem.code ? ` (${problem.code})` : ''}` : ''
    super(`${status} ${detail}`.trim())
    this.status = status
    this.problem = problem
  }
}

/** One request to the API, with the token when signed in; resolves the JSON body, throws an ApiError. */
async function call(method, path, body) {
  const headers = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (session.token) headers.authorization = `Bearer ${session.token}`
  const res = await fetch(`${api}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const type = res.headers.get('content-type') ?? ''
  const data = res.status === 204 ? undefined : type.includes('json') ? await res.json() : await res.text()
  if (!res.ok) {
    // A token the API no longer accepts (expired, or the server restarted with a new secret): sign out.
    if (res.status === 401 && session.token && path !== '/auth/login') signOut()
    throw new ApiError(res.status, data)
  }
  return data
}

function show(text, error = false) {
  const message = $('#message')
  message.textContent = text
  message.classList.toggle('error', error)
}

function signIn(token, user) {
  session.token = token
  session.user = user
  sessionStorage.setItem('playground.token', token)
  sessionStorage.setItem('playground.user', JSON.stringify(user))
  render()
}

function signOut() {
  session.token = null
  session.user = null
  sessionStorage.removeItem('playground.token')
  sessionStorage.removeItem('playground.user')
  render()
}

function render() {
  const signedIn = session.token !== null && session.user !== null
  $('#session').textContent = signedIn ? `Signed in as ${session.user.username} (${session.user.role}).` : 'Not signed in.'
  $('#logout').hidden = !signedIn
  $('#notes-section').hidden = !signedIn
  if (!signedIn) $('#notes').replaceChildren()
}

async function loadNotes() {
  const notes = await call('GET', '/notes?limit=100')
  $('#notes').replaceChildren(...notes.map(noteItem))
}

function noteItem(note) {
  const item = document.createElement('li')
  item.dataset.id = String(note.id)
  const text = document.createElement('div')
  const title = document.createElement('strong')
  title.textContent = `#${note.id} ${note.title}`
  const body = document.createElement('div')
  body.className = 'text'
  body.textContent = note.body
  text.append(title, body)
  const remove = document.createElement('button')
  remove.type = 'button'
  remove.textContent = 'Delete'
  remove.addEventListener('click', () =>
    run(async () => {
      await call('DELETE', `/notes/${note.id}`)
      await loadNotes()
      return `Deleted note #${note.id}.`
    }),
  )
  item.append(text, remove)
  return item
}

/** Runs one user action and shows its outcome (or its error) in #message. */
async function run(action) {
  try {
    show(await action())
  } catch (error) {
    show(error instanceof Error ? error.message : String(error), true)
  }
}

$('#auth-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const form = new FormData(event.currentTarget)
  const credentials = { username: String(form.get('username')), password: String(form.get('password')) }
  const action = event.submitter?.value ?? 'login'
  run(async () => {
    if (action === 'signup') {
      const user = await call('POST', '/auth/signup', credentials)
      return `Account ${user.username} created: log in.`
    }
    const { token, user } = await call('POST', '/auth/login', credentials)
    signIn(token, user)
    await loadNotes()
    return `Welcome, ${user.username}.`
  })
})

$('#logout').addEventListener('click', () => {
  signOut()
  show('Signed out.')
})

$('#note-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const formElement = event.currentTarget
  const form = new FormData(formElement)
  run(async () => {
    const note = await call('POST', '/notes', { title: String(form.get('title')), body: String(form.get('body') ?? '') })
    formElement.reset()
    await loadNotes()
    return `Added note #${note.id}.`
  })
})

$('#edit-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const form = new FormData(event.currentTarget)
  const id = String(form.get('id')).trim()
  run(async () => {
    const note = await call('PUT', `/notes/${encodeURIComponent(id)}`, { title: String(form.get('title')), body: String(form.get('body') ?? '') })
    await loadNotes()
    return `Saved note #${note.id}.`
  })
})

$('#api-origin').textContent = api
render()
if (session.token) run(async () => (await loadNotes(), ''))
