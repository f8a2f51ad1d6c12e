package dev.ballast.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes MEKA ARFF with the labels first ({@code -C N}): dense examples as dense rows, sparse ones as sparse
 * rows, an importance other than 1 as Weka's instance weight {@code ,{w}}. Ids and event times are not kept.
 */
final class ArffExampleWriter extends FileExampleWriter {

    ArffExampleWriter(Path file, List<String> labelNames, List<String> featureNames) throws IOException {
        super(file, labelNames, featureNames);
        try {
            StringBuilder header = new StringBuilder("@relation 'ballast: -C " + labelNames.size() + "'\n\n");
            for (String label : labelNames) {
                header.append("@attribute ").append(quote(label)).append(" {0,1}\n");
            }
            for (String feature : featureNames) {
                header.append("@attribute ").append(quote(feature)).append(" numeric\n");
            }
            out.write(header.append("\n@data\n").toString());
        } catch (IOException e) {
            out.close();
            throw e;
        }
    }

    private static String quote(String name) {
        return '\'' + name.replace("\\", "\\\\").replace("'", "\\'") + '\'';
    }

    @Override
    void writeChecked(Example example) throws IOException {
        StringBuilder row = new StringBuilder();
        int labelCount = labelNames.size();
        if (example.features() instanceof Features.Sparse sparse) {
            row.append('{');
            for (int label : example.positiveLabels()) {
                row.append(label).append(" 1,");
            }
            for (int i = 0; i < sparse.indices().length; i++) {
                row.append(labelCount + sparse.indices()[i]).append(' ').append(number(sparse.values()[i])).append(',');
            }
            if (row.length() > 1) {
                row.setLength(row.length() - 1);
            }
            row.append('}');
        } else {
            boolean[] positive = new boolean[labelCount];
            for (int label : example.positiveLabels()) {
                positive[label] = true;
            }
            for (boolean isPositive : positive) {
                row.append(isPositive ? "1," : "0,");
            }
            for (float value : ((Features.Dense) example.features()).values()) {
                row.append(number(value)).append(',');
            }
            row.setLength(row.length() - 1);
        }
        if (example.importance() != 1) {
            row.append(",{").append(number(example.importance())).append('}');
        }
        out.write(row.append('\n').toString());
    }
}
