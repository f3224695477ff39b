import { z } from "zod";

// zod compiles validators with `new Function` when it may; the page's CSP forbids eval, so tell
// zod up front instead of letting its probe raise a CSP violation report. Imported first by
// main.ts, so this runs before any schema is built.
z.config({ jitless: true });
