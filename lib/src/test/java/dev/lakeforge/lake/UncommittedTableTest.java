package dev.lakeforge.lake;

import dev.lakeforge.testing.SparkExtension;
import dev.lakeforge.testing.TestLakehouse;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a run killed while it created a table leaves behind, and how the next run gets past it. */
@ExtendWith(SparkExtension.class)
class UncommittedTableTest {
    static final TableName T = TableName.parse("silver.things");

    static Path folder(Lakehouse lake, TableName t) {
        String p = lake.path(t);
        return p.startsWith("file:") ? Path.of(URI.create(p)) : Path.of(p);
    }

    /** The folder Delta leaves when killed between creating the log folder and writing commit 0. */
    static Path killedCreation(Lakehouse lake) throws IOException {
        Path dir = folder(lake, T);
        Files.createDirectories(dir.resolve("_delta_log/_staged_commits"));
        Files.writeString(dir.resolve("part-00000-orphan.snappy.parquet"), "not a real parquet file");
        return dir;
    }

    @Test
    void aCreationKilledBeforeItsFirstCommitIsNotATableAndIsCreatedAgain() throws IOException {
        TestLakehouse t = SparkExtension.newLakehouse();
        Lakehouse lake = t.lakehouse();
        Path dir = killedCreation(lake);
        assertThat(lake.exists(T)).isFalse();
        assertThat(lake.version(T)).isEmpty();

        lake.createIfMissing(T, b -> b.addColumn("id", DataTypes.LongType).addColumn("name", DataTypes.StringType));
        assertThat(lake.exists(T)).isTrue();
        assertThat(lake.version(T)).hasValue(0);
        assertThat(lake.read(T).count()).isZero();
        assertThat(dir.resolve("part-00000-orphan.snappy.parquet")).doesNotExist();

        // and it is left alone once it exists
        lake.spark().range(3).selectExpr("id", "cast(id as string) as name").write().format("delta").mode("append").save(lake.path(T));
        lake.createIfMissing(T, b -> b.addColumn("other", DataTypes.StringType));
        assertThat(lake.read(T).count()).isEqualTo(3);
        assertThat(lake.read(T).columns()).containsExactly("id", "name");
    }

    @Test
    void plainWritesToSuchAFolderCreateTheTable() throws IOException {
        TestLakehouse t = SparkExtension.newLakehouse();
        Lakehouse lake = t.lakehouse();
        Files.createDirectories(folder(lake, T).resolve("_delta_log/_staged_commits"));
        lake.spark().range(2).write().format("delta").mode("append").save(lake.path(T));
        assertThat(lake.read(T).count()).isEqualTo(2);
    }

    @Test
    void aLogWithCommitsDeltaCannotReadIsNeverDeleted() throws IOException {
        TestLakehouse t = SparkExtension.newLakehouse();
        Lakehouse lake = t.lakehouse();
        Path dir = folder(lake, T);
        Files.createDirectories(dir.resolve("_delta_log"));
        Files.writeString(dir.resolve("_delta_log/00000000000000000000.crc"), "{}");
        assertThatThrownBy(() -> lake.createIfMissing(T, b -> b.addColumn("id", DataTypes.LongType)))
                .hasMessageContaining("holds Delta log file 00000000000000000000.crc")
                .hasMessageContaining("nothing was changed");
        assertThat(dir.resolve("_delta_log/00000000000000000000.crc")).exists();
        assertThat(lake.discardUncommitted(TableName.parse("silver.absent"))).isFalse();
    }
}
