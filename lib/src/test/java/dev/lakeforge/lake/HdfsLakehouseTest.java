package dev.lakeforge.lake;

import dev.lakeforge.ingest.IngestAction;
import dev.lakeforge.ingest.IngestResult;
import dev.lakeforge.ingest.SourceCatalog;
import dev.lakeforge.publish.PublishAction;
import dev.lakeforge.publish.PublishServingAction;
import dev.lakeforge.publish.PublishSettings;
import dev.lakeforge.refine.RefineAction;
import dev.lakeforge.refine.RefineResult;
import dev.lakeforge.runs.JobRunner;
import dev.lakeforge.runs.RunRecord;
import dev.lakeforge.testing.SparkExtension;
import dev.lakeforge.testing.TestLakehouse;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lakehouse on HDFS: an in-process HDFS (MiniDFSCluster: a NameNode and a DataNode on 127.0.0.1, test scope only)
 * holds the lakehouse root; ingest → refine → publish run against {@code hdfs://…} exactly as against a local folder,
 * the landing files and the serving database staying local.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HdfsLakehouseTest {
    static final Path PROJECT = Path.of(System.getProperty("test.project.dir", "..")).toAbsolutePath().normalize();
    static final LocalDate DAY = LocalDate.of(2024, 7, 3);

    private MiniDFSCluster hdfs;
    private Path local;

    @BeforeAll
    void startHdfs() throws Exception {
        local = Files.createTempDirectory("lakeforge-hdfs");
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, local.resolve("dfs").toString());
        conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        hdfs.waitActive();
    }

    @AfterAll
    void stopHdfs() {
        if (hdfs != null) {
            hdfs.shutdown(true);
        }
    }

    @Test
    void ingestRefineAndPublishWithTheLakehouseOnHdfs() throws Exception {
        String root = "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + "/lakeforge/lakehouse";
        String sources = Files.readString(PROJECT.resolve("conf/sources.conf"));
        String publish = """
                lakeforge.publish {
                  catalog.enabled = false
                  tables {
                    customers { source = silver.customers, description = "Customers as refined on HDFS", keys = [customer_id] }
                    products { source = silver.products, description = "Products as refined on HDFS", keys = [product_id] }
                  }
                }
                """;
        Path db = local.resolve("serving.db");
        TestLakehouse t = SparkExtension.newLakehouseWithConf(sources + "\n" + publish, "lakehouse.root=\"" + root + "\"",
                "lakehouse.landing=" + PROJECT.resolve("data/sample"), "serving.url=\"jdbc:sqlite:" + db + "\"");
        Lakehouse lake = t.lakehouse();
        assertThat(lake.root()).startsWith("hdfs://");
        SourceCatalog catalog = SourceCatalog.from(t.loaded().config());
        List<String> only = List.of("customers", "products");
        List<IngestResult> ingested = new ArrayList<>();
        List<RefineResult> refined = new ArrayList<>();
        List<PublishServingAction.TablePublication> published = new ArrayList<>();
        RunRecord r = new JobRunner(lake, t.loaded()).out(new PrintStream(new ByteArrayOutputStream())).run("pipeline", DAY, run -> {
            ingested.addAll(new IngestAction(lake, PROJECT.resolve("data/sample").toString()).sources(catalog).only(only).runDate(DAY).run(run).execute());
            refined.addAll(new RefineAction(lake).sources(catalog).only(only).runDate(DAY).run(run).execute());
            published.addAll(new PublishAction(lake, PublishSettings.from(t.loaded().config())).run(run).execute().serving());
        });
        assertThat(r.succeeded()).as(r.errorMessage()).isTrue();

        // the tables live on HDFS (Delta logs included), nothing under a local folder of that name
        FileSystem fs = hdfs.getFileSystem();
        for (String table : List.of("bronze/customers", "silver/customers", "bronze/products", "silver/products", "ops/job_runs")) {
            assertThat(fs.exists(new org.apache.hadoop.fs.Path("/lakeforge/lakehouse/" + table + "/_delta_log/00000000000000000000.json")))
                    .as(table + " on HDFS").isTrue();
        }
        // the same counts as the sample gives on a local disk (README quick start: customers 1,012, products 156 in silver)
        assertThat(lake.read(TableName.parse("silver.customers")).count()).isEqualTo(1_012L);
        assertThat(lake.read(TableName.parse("silver.products")).count()).isEqualTo(156L);
        assertThat(ingested).extracting(IngestResult::source).containsExactlyInAnyOrder("customers", "products");
        assertThat(published).extracting(PublishServingAction.TablePublication::status).containsOnly(PublishServingAction.Status.PUBLISHED);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); ResultSet rs = c.createStatement()
                .executeQuery("SELECT (SELECT COUNT(*) FROM customers), (SELECT COUNT(*) FROM products)")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(1_012L);
            assertThat(rs.getLong(2)).isEqualTo(156L);
        }
        // the data docs are local files: with the lakehouse on HDFS they need a folder of their own (the pipeline leaves them out)
        var docs = dev.lakeforge.docs.DocsSettings.from(t.loaded().config());
        assertThat(docs.hasOut()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(docs::requireOut).hasMessageContaining("lakeforge.docs.out")
                .hasMessageContaining("not a local folder");

        // a second run of the same date loads nothing again, on HDFS as on a local disk
        List<IngestResult> again = new ArrayList<>();
        new JobRunner(lake, t.loaded()).out(new PrintStream(new ByteArrayOutputStream())).run("ingest", DAY,
                run -> again.addAll(new IngestAction(lake, PROJECT.resolve("data/sample").toString()).sources(catalog).only(only).runDate(DAY).run(run).execute()));
        assertThat(again).allSatisfy(i -> assertThat(i.filesLoaded()).isZero());
    }
}
