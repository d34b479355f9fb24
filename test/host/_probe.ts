import { type } from 'arktype'
const t = type({ name: 'string.trim', 'tags?': 'string[]' })
console.log(t({ name: '  Ada ' }))
