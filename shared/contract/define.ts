// The helpers every domain file of the contract is written with. A method is `domain.verb`: one input object
// validated by a zod schema, and an output type carried only at compile time. An event is a name and the
// type of its payload.

import type { z } from 'zod'

/** A type carried at compile time only: the output of a method or the payload of an event. */
export interface Out<T> {
  readonly __out?: T
}
export const out = <T>(): Out<T> => ({})
export const event = <T>(): Out<T> => ({})

export function method<I extends z.ZodType, O>(input: I, output: Out<O>) {
  return { input, output }
}

export type OutOf<O> = O extends Out<infer T> ? T : never
