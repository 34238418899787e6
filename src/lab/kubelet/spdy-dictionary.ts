/**
 * The zlib dictionary of SPDY/3 header blocks (draft 3.1, section 2.6.10.1): each of
 * these words after its length as 4 bytes, big-endian, then the text that follows. Both
 * sides prime their header compression with it; a wrong byte makes every header block
 * unreadable, so a test pins its length and digest.
 */
const WORDS = [
  'options',
  'head',
  'post',
  'put',
  'delete',
  'trace',
  'accept',
  'accept-charset',
  'accept-encoding',
  'accept-language',
  'accept-ranges',
  'age',
  'allow',
  'authorization',
  'cache-control',
  'connection',
  'content-base',
  'content-encoding',
  'content-language',
  'content-length',
  'content-location',
  'content-md5',
  'content-range',
  'content-type',
  'date',
  'etag',
  'expect',
  'expires',
  'from',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'pragma',
  'proxy-authenticate',
  'proxy-authorization',
  'range',
  'referer',
  'retry-after',
  'server',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'vary',
  'via',
  'warning',
  'www-authenticate',
  'method',
  'get',
  'status',
  '200 OK',
  'version',
  'HTTP/1.1',
  'url',
  'public',
  'set-cookie',
  'keep-alive',
  'origin',
];

const TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502' +
  '504505203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Re' +
  'quest401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Impl' +
  'emented503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00' +
  ':00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,imag' +
  'e/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivate' +
  'max-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

export const SPDY_HEADER_DICTIONARY: Buffer = Buffer.concat([
  ...WORDS.flatMap((word) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(word.length, 0);
    return [length, Buffer.from(word, 'latin1')];
  }),
  Buffer.from(TAIL, 'latin1'),
]);
