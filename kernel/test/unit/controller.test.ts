/** @module kernel/test/unit/controller — TC39 decorators declare controllers; readController() reads them back. */
import assert from 'node:assert/strict'
import { Controller, Delete, Get, Head, joinPath, Options, Patch, Post, Put, readController } from '../../ts/controllers/decorators.js'
import { VectoraError } from '../../ts/base/catalogue.js'

function assertCode(code: string, pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof VectoraError, `expected a VectoraError, got ${String(error)}`)
    assert.equal(error.code, code)
    if (pattern !== undefined) assert.match(error.message, pattern)
    return true
  }
}

const isAdmin = (): boolean => true
const isOwner = (): boolean => true

describe('controller', () => {
  it('lists every decorated method with its HTTP method, prefixed path, method name and options, in source order', () => {
    @Controller('/users')
    class Users {
      @Get() list() {
        return []
      }
      @Get('/:id') show() {
        return {}
      }
      @Post('/', { bodyLimit: 1024 }) create() {
        return {}
      }
      helper() {
        return 'not a route'
      }
    }
    const definition = readController(Users)
    assert.equal(definition.prefix, '/users')
    assert.deepEqual(definition.options, {})
    assert.deepEqual(definition.routes, [
      { method: 'GET', path: '/users', propertyKey: 'list', options: {} },
      { method: 'GET', path: '/users/:id', propertyKey: 'show', options: {} },
      { method: 'POST', path: '/users', propertyKey: 'create', options: { bodyLimit: 1024 } },
    ])
  })

  it('has a decorator for every HTTP method', () => {
    @Controller('/things')
    class Things {
      @Get('/a') a() {}
      @Post('/b') b() {}
      @Put('/c') c() {}
      @Patch('/d') d() {}
      @Delete('/e') e() {}
      @Options('/f') f() {}
      @Head('/g') g() {}
    }
    assert.deepEqual(
      readController(Things).routes.map((r) => `${r.method} ${r.path}`),
      ['GET /things/a', 'POST /things/b', 'PUT /things/c', 'PATCH /things/d', 'DELETE /things/e', 'OPTIONS /things/f', 'HEAD /things/g'],
    )
  })

  it('joins prefix and path: "/:id" is appended, "" and "/" give the prefix, a root prefix gives the path', () => {
    assert.equal(joinPath('/users', '/:id'), '/users/:id')
    assert.equal(joinPath('/users', ''), '/users')
    assert.equal(joinPath('/users', '/'), '/users')
    assert.equal(joinPath('/', '/health'), '/health')
    assert.equal(joinPath('/', ''), '/')

    @Controller('/api/')
    class Trailing {
      @Get('/x') x() {}
    }
    assert.equal(readController(Trailing).prefix, '/api')
    assert.equal(readController(Trailing).routes[0]!.path, '/api/x')
  })

  it('keeps controller options (guards, inject) and route options (guards, schema, inject, bodyLimit, timeout)', () => {
    const schema = { params: undefined }
    @Controller('/admin', { guards: [isAdmin], inject: ['users', 'clock'] })
    class Admin {
      @Delete('/:id', { guards: [isOwner], schema, inject: ['audit'], bodyLimit: 0, timeout: 5_000 })
      remove() {}
    }
    const { options, routes } = readController(Admin)
    assert.deepEqual(options, { guards: [isAdmin], inject: ['users', 'clock'] })
    assert.deepEqual(routes[0]!.options, { guards: [isOwner], schema, inject: ['audit'], bodyLimit: 0, timeout: 5_000 })
    assert.ok(Object.isFrozen(routes[0]!.options) && Object.isFrozen(options.guards))
  })

  it('gives one route per decorator when a method has several', () => {
    @Controller('/items')
    class Items {
      @Put('/:id')
      @Patch('/:id')
      save() {}
    }
    assert.deepEqual(
      readController(Items)
        .routes.map((r) => `${r.method} ${r.path} ${String(r.propertyKey)}`)
        .sort(),
      ['PATCH /items/:id save', 'PUT /items/:id save'],
    )
  })

  it('supports symbol method names', () => {
    const key = Symbol('list')
    @Controller('/sym')
    class Sym {
      @Get() [key]() {}
    }
    assert.equal(readController(Sym).routes[0]!.propertyKey, key)
  })

  it('leaves the methods in place: an instance calls them as usual', () => {
    @Controller('/calc')
    class Calc {
      factor = 2
      @Get('/double') double(n: number) {
        return n * this.factor
      }
    }
    const route = readController(Calc).routes[0]!
    const instance = new Calc() as unknown as Record<string | symbol, (n: number) => number>
    assert.equal(instance[route.propertyKey]!(21), 42)
  })

  it('keeps classes decorated one after another apart, also with the same method names', () => {
    @Controller('/a')
    class A {
      @Get('/x') list() {}
    }
    @Controller('/b')
    class B {
      @Get('/y') list() {}
      @Post('/z') create() {}
    }
    assert.deepEqual(
      readController(A).routes.map((r) => r.path),
      ['/a/x'],
    )
    assert.deepEqual(
      readController(B).routes.map((r) => r.path),
      ['/b/y', '/b/z'],
    )
  })

  it('keeps a class defined inside a decorator expression apart from the class being decorated', () => {
    let Inner: Function | undefined
    const defineInner = (): { params?: undefined } => {
      @Controller('/inner')
      class InnerController {
        @Get('/i') list() {}
      }
      Inner = InnerController
      return {}
    }
    @Controller('/outer')
    class Outer {
      @Get('/o', { schema: defineInner() }) list() {}
    }
    assert.deepEqual(
      readController(Inner!).routes.map((r) => r.path),
      ['/inner/i'],
    )
    assert.deepEqual(
      readController(Outer).routes.map((r) => r.path),
      ['/outer/o'],
    )
  })

  it('supports one @Controller(...) value applied to two classes', () => {
    const v1 = Controller('/v1')
    @v1
    class One {
      @Get('/one') one() {}
    }
    @v1
    class Two {
      @Get('/two') two() {}
    }
    assert.deepEqual(
      readController(One).routes.map((r) => r.path),
      ['/v1/one'],
    )
    assert.deepEqual(
      readController(Two).routes.map((r) => r.path),
      ['/v1/two'],
    )
  })

  it('works alongside other method decorators, outside or inside the route decorator', () => {
    const calls: string[] = []
    const logged = (method: Function, context: ClassMethodDecoratorContext) =>
      function (this: unknown, ...args: unknown[]) {
        calls.push(String(context.name))
        return method.apply(this, args)
      }
    @Controller('/w')
    class Wrapped {
      @logged @Get('/outer') outer() {
        return 'o'
      }
      @Get('/inner') @logged inner() {
        return 'i'
      }
    }
    const { routes } = readController(Wrapped)
    assert.deepEqual(
      routes.map((r) => r.path),
      ['/w/outer', '/w/inner'],
    )
    const instance = new Wrapped()
    assert.equal(instance.outer(), 'o')
    assert.equal(instance.inner(), 'i')
    assert.deepEqual(calls, ['outer', 'inner'])
  })

  it('throws VEC_ERR_CONTROLLER_INVALID telling to add @Controller for a class without it', () => {
    class Plain {
      @Get('/p') list() {}
    }
    assert.throws(() => readController(Plain), assertCode('VEC_ERR_CONTROLLER_INVALID', /Plain is not a controller: add @Controller/))
    assert.throws(() => readController({} as never), assertCode('VEC_ERR_CONTROLLER_INVALID', /takes a class/))
  })

  it('does not hand the routes of a class without @Controller to the next controller', () => {
    class Forgotten {
      @Get('/forgotten') list() {}
      @Get('/also') show() {}
    }
    @Controller('/next')
    class Next {
      @Get('/n') list() {}
    }
    assert.deepEqual(
      readController(Next).routes.map((r) => r.path),
      ['/next/n'],
    )
    assert.throws(() => readController(Forgotten), assertCode('VEC_ERR_CONTROLLER_INVALID'))
  })

  it('throws VEC_ERR_CONTROLLER_INVALID for a controller without routes', () => {
    @Controller('/empty')
    class Empty {
      handler() {}
    }
    assert.throws(() => readController(Empty), assertCode('VEC_ERR_CONTROLLER_INVALID', /Empty has no routes/))
  })

  it('rejects a route decorator on a static method, naming it, without affecting the next controller', () => {
    assert.throws(
      () => {
        @Controller('/s')
        class Statics {
          @Get('/ok') fine() {}
          @Get('/bad') static create() {}
        }
        return Statics
      },
      assertCode('VEC_ERR_CONTROLLER_INVALID', /@Get\("\/bad"\) is on static method create\(\)/),
    )

    @Controller('/after')
    class After {
      @Get('/ok') fine() {}
    }
    assert.deepEqual(
      readController(After).routes.map((r) => r.path),
      ['/after/ok'],
    )
  })

  it('rejects a route decorator on a private method', () => {
    assert.throws(
      () => {
        @Controller('/p')
        class Private {
          @Get('/x') #hidden() {}
        }
        return Private
      },
      assertCode('VEC_ERR_CONTROLLER_INVALID', /private method #hidden\(\)/),
    )
  })

  it('rejects @Controller twice on one class', () => {
    assert.throws(
      () => {
        @Controller('/one')
        @Controller('/two')
        class Twice {
          @Get() a() {}
        }
        return Twice
      },
      assertCode('VEC_ERR_CONTROLLER_INVALID', /Twice has @Controller twice/),
    )
  })

  it('rejects a prefix or path not starting with "/", and unknown or mistyped options, where they are written', () => {
    assert.throws(() => Controller('users'), assertCode('VEC_ERR_CONTROLLER_INVALID', /prefix starting with "\/"/))
    assert.throws(() => Get(':id'), assertCode('VEC_ERR_CONTROLLER_INVALID', /@Get\(\) takes a path/))
    assert.throws(() => Post('/', { bodylimit: 10 } as never), assertCode('VEC_ERR_INVALID_OPTION', /bodylimit/))
    assert.throws(() => Get('/', { timeout: -1 }), assertCode('VEC_ERR_INVALID_OPTION', /timeout/))
    assert.throws(() => Get('/', { guards: [true] as never }), assertCode('VEC_ERR_INVALID_OPTION', /guards/))
    assert.throws(() => Controller('/x', { inject: 'users' as never }), assertCode('VEC_ERR_INVALID_OPTION', /inject/))
  })
})
