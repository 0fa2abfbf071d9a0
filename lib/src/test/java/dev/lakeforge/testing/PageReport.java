package dev.lakeforge.testing;

import java.net.URI;
import java.util.List;

/**
 * What {@link HeadlessBrowser#open} saw on one page, once it had loaded.
 *
 * @param url          the URL that was opened
 * @param title        {@code document.title}
 * @param errors       console errors and failed assertions, uncaught exceptions and error log entries (failed resource
 *                     loads such as {@code net::ERR_FILE_NOT_FOUND}) of this navigation, one readable line each
 * @param links        the absolute {@code href} of every {@code <a href>}, in document order
 * @param images       {@code <img>} elements that loaded
 * @param brokenImages {@code <img>} elements that did not
 * @param svgs         inline {@code <svg>} elements plus {@code <img>} elements showing a {@code .svg} file
 * @param scripts      {@code <script>} elements in the document
 * @param text         {@code document.body.innerText}
 */
public record PageReport(URI url, String title, List<String> errors, List<URI> links, int images, int brokenImages,
                         int svgs, int scripts, String text) {
    public PageReport {
        errors = List.copyOf(errors);
        links = List.copyOf(links);
    }
}
