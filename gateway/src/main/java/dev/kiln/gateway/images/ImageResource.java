package dev.kiln.gateway.images;

import dev.kiln.builder.image.ImageHistory;
import dev.kiln.gateway.problem.ApiException;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.Manifest;
import dev.kiln.image.store.GcResult;
import dev.kiln.image.store.ImageStore;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /v1/images}: the control plane's image store, as {@code kiln images} shows a local one.
 */
@Path("/v1/images")
@Tag(name = "images", description = "Images in the control plane's store")
public class ImageResource {

  private final ControlPlaneImages images;
  private final ImageGarbageCollector collector;

  ImageResource(ControlPlaneImages images, ImageGarbageCollector collector) {
    this.images = images;
    this.collector = collector;
  }

  /**
   * Removes blobs no named image reaches (the versions of deleted functions, for one), keeping
   * those younger than {@code graceSeconds}, which a build in progress may not have named yet. The
   * control plane also does this every hour with an hour's grace.
   */
  @POST
  @Path("/gc")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Remove unreferenced blobs from the control plane's store")
  public GcResult gc(@QueryParam("graceSeconds") @DefaultValue("3600") long graceSeconds)
      throws IOException {
    if (graceSeconds < 0) {
      throw ApiException.badRequest("graceSeconds must not be negative, got " + graceSeconds);
    }
    return collector.collect(Duration.ofSeconds(graceSeconds));
  }

  /**
   * An image.
   *
   * @param name {@code repository:tag}
   * @param digest the manifest digest
   * @param layers how many layers
   * @param size the layers' compressed size in bytes
   */
  public record ImageView(String name, String digest, int layers, long size) {}

  /**
   * One history entry, newest first.
   *
   * @param createdBy the instruction
   * @param layer the layer's digest, null for a metadata-only step
   * @param size the layer's compressed size
   * @param comment what the step was for
   */
  public record HistoryView(String createdBy, String layer, long size, String comment) {}

  /** Every named image. */
  @GET
  @Operation(summary = "List the images in the control plane's store")
  public List<ImageView> list() throws IOException {
    ImageStore store = images.store();
    List<ImageView> out = new ArrayList<>();
    for (Descriptor d : store.images()) {
      int layers = 0;
      long size = 0;
      if (store.hasBlob(d.digest())) {
        Manifest m = store.readManifest(d.digest());
        layers = m.layers().size();
        size = m.layers().stream().mapToLong(Descriptor::size).sum();
      }
      out.add(new ImageView(d.refName(), d.digest().toString(), layers, size));
    }
    return out;
  }

  /** An image's history, like {@code docker history}. */
  @GET
  @Path("/{name: .+}/history")
  @Operation(summary = "An image's layers and the steps that made them, newest first")
  public List<HistoryView> history(@PathParam("name") String name) throws IOException {
    Descriptor d =
        images
            .store()
            .resolve(name)
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "there is no image '" + name + "' in the control plane's store"));
    return ImageHistory.of(images.store(), d).stream()
        .map(
            r ->
                new HistoryView(
                    r.createdBy(),
                    r.layer() == null ? null : r.layer().toString(),
                    r.size(),
                    r.comment()))
        .toList();
  }
}
