// A completion-webhook receiver for Deno: `WEBHOOK_SECRET=… deno run -A examples/webhook-receiver.ts`
const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(Deno.env.get('WEBHOOK_SECRET')), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
Deno.serve({ port: Number(Deno.env.get('PORT') ?? 8000) }, async (req) => {
  const body = await req.text(); // the exact bytes that were signed: verify before parsing
  const hex = (req.headers.get('x-remote-trigger-signature') ?? '').replace(/^sha256=/, '');
  const sig = new Uint8Array((hex.match(/../g) ?? []).map((h) => parseInt(h, 16)));
  if (!(await crypto.subtle.verify('HMAC', key, sig, new TextEncoder().encode(body)))) return new Response('bad signature', { status: 401 });
  const { id, state } = JSON.parse(body);
  console.log(`webhook ${id}: ${state.status} ${state.result} ${state.buildUrl ?? ''}`);
  return new Response(null, { status: 204 });
});
