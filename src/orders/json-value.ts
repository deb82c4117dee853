/** A JSON value as it is stored in an event or an audit row. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
