// The type a translation file satisfies: only keys its English source has, any of them may be missing (English then).
export type Translation<Source> = { readonly [K in keyof Source]?: string };
