// Pull Jenkins' own short message out of an error body. The page layout depends on the Jetty and
// Jenkins version (docs/jenkins.md §13), so we try the known shapes and never return the whole page.

const MAX_LENGTH = 300;

/** Recognisable texts of pages that carry no `sendError` message of their own. */
const KNOWN_TEXTS: RegExp[] = [
  /Oops!\s*A problem occurred while processing the request\.?(?:\s*Logging ID=[\w-]+)?/i,
  /Jenkins is restarting/i,
  /Jenkins is getting ready to work/i,
  /Authentication required/i,
  /This page may not exist, or you may not have permission to see it\./i,
  /This URL requires POST/i,
];

export function extractJenkinsMessage(body: string, contentType: string | null): string | undefined {
  if (body.trim().length === 0) return undefined;
  const isHtml = /html/i.test(contentType ?? '') || /^\s*<(!doctype|html|head|body)/i.test(body);
  if (!isHtml) return clip(body.trim().split(/\r?\n/)[0] ?? '');

  const candidates = [
    // Jetty: <title>Error 403 No valid crumb was included in the request</title>
    /<title>\s*Error\s+\d{3}\s+([^<]+)<\/title>/i,
    // Jetty 9.4: a table row MESSAGE: ...
    /<th>\s*MESSAGE:\s*<\/th>\s*<td>([\s\S]*?)<\/td>/i,
    // Jetty <= 9.3: Reason: <pre> ... </pre>
    /Reason:\s*<pre>([\s\S]*?)<\/pre>/i,
  ];
  for (const re of candidates) {
    const text = re.exec(body)?.[1];
    if (text !== undefined && tidy(text).length > 0) return clip(tidy(text));
  }
  const plain = tidy(body);
  for (const re of KNOWN_TEXTS) {
    const hit = re.exec(plain)?.[0];
    if (hit) return clip(hit);
  }
  return undefined;
}

/** Strip tags and the common entities, collapse whitespace. */
function tidy(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function clip(text: string): string {
  return text.length <= MAX_LENGTH ? text : text.slice(0, MAX_LENGTH - 1) + '…';
}
