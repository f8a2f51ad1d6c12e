package dev.ballast.cli;

import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Ballast.class.getPackage().getImplementationVersion();
        return new String[] {"ballast " + (version == null ? "development build" : version)};
    }
}
