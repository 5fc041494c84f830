/** The request headers of Chrome on an Android phone: the negotiated hit the hot-path benches measure. */
export const CHROME_PHONE_HEADERS = {
  accept: 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8',
  'user-agent': 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'sec-ch-viewport-width': '412',
  'sec-ch-dpr': '2.625',
};
