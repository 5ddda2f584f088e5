/**
 * Kilnfiles: the subset of the Dockerfile language Kiln can build without running containers (FROM,
 * COPY, ENV, ARG, WORKDIR, USER, LABEL, EXPOSE, CMD, ENTRYPOINT). {@link
 * dev.kiln.builder.kilnfile.Kilnfile#parse} turns the text into {@link
 * dev.kiln.builder.kilnfile.Instruction} records with variables substituted, or fails with a {@link
 * dev.kiln.builder.kilnfile.KilnfileException} naming the line.
 *
 * <p>The syntax follows the Dockerfile reference (https://docs.docker.com/reference/dockerfile/).
 * Where Kiln differs it says so: shell-form COPY and EXPOSE arguments honour quotes, a line that
 * starts like a JSON array but is not one is an error rather than a shell command, and port ranges
 * are not accepted.
 */
package dev.kiln.builder.kilnfile;
