exports.handle = async (request) => {
  if (request.path === '/fail') {
    throw new Error('kaboom');
  }
  if (request.path === '/raw') {
    return {
      status: 201,
      headers: { 'X-Echo-Method': request.method, 'Content-Type': 'application/octet-stream' },
      body: request.body,
    };
  }
  if (request.path === '/json') {
    return { greeting: process.env.GREETING ?? 'unset' };
  }
  if (request.path === '/sleep') {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    return 'slept';
  }
  return [
    `method=${request.method}`,
    `path=${request.path}`,
    `query=${request.query}`,
    `custom=${request.headers['x-custom'] ?? ''}`,
    `ce-type=${request.headers['ce-type'] ?? ''}`,
    `invocation=${request.invocationId ?? ''}`,
    `deadline=${request.deadline}`,
    `body=${request.text()}`,
    `greeting=${process.env.GREETING ?? 'unset'}`,
  ].join('\n');
};
