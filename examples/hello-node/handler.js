// Greets whoever the query (?name=) or the body names, or the world.
exports.handle = async (request) => {
  const name = new URLSearchParams(request.query).get('name') || request.text().trim() || 'world';
  return `${process.env.GREETING || 'Hello'}, ${name}!`;
};
