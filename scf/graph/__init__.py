"""The lending network as a graph (networkx): exposure, guarantee circles, contagion.

Pure computations over plain data; the platform builds the data from the database.
"""
